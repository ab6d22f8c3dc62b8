package io.keyward.samples.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.keyward.samples.EmbeddedMariaDb;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Keyward against a direct call, nginx {@code proxy_pass} and two Java anchors — Jetty's
 * {@code AsyncProxyServlet.Transparent} and {@code ProxyHandler.Reverse} ({@link JettyProxyAnchor}) —
 * in one run on one machine. The vendor is nginx answering static Stripe JSON ({@link Nginx}), so the
 * load generator's CPU is shared with no JIT; Keyward is {@link BenchGateway} (a real key and
 * policy, the quickstart's embedded MariaDB or {@code KEYWARD_BENCH_JDBC_URL}). Placement is fixed
 * with taskset: wrk and the vendor on CPU 0, the proxy under test on CPU 1 (MariaDB is not pinned);
 * every JVM proxy runs with the same flags. Each path is warmed with short rounds until the last few
 * agree and its JIT compilers are nearly idle; then paths alternate within each round, first at fixed concurrency (throughput) then back to
 * back on one connection (latency). Writes {@code results.md} and {@code latency.png} to the output
 * folder and prints the report, whose last table is Keyward against the anchors and the goals.
 *
 * <p>Usage: {@code java -cp samples/target/keyward-quickstart.jar io.keyward.samples.bench.ProxyBenchmark
 * [--seconds 8] [--rounds 3] [--connections 16] [--warmup 120] [--warmup-round 5] [--stable-rounds 3] [--stable-percent 5] [--jit-percent 2]
 * [--lease-usd 5.00] [--out samples/target/bench]}; {@code --warmup} bounds each path's warm-up in
 * seconds, {@code --lease-usd} sets escrow leases for the money-moving path. Needs wrk, nginx and
 * taskset ({@code apt-get install -y wrk nginx-light util-linux}).
 */
public final class ProxyBenchmark {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String MONEY_BODY = "amount=100&currency=usd";
    private static final String VENDOR_CPU = "0";
    private static final String PROXY_CPU = "1";
    /** Every JVM under test gets the same heap, so Keyward and the Jetty anchors are compared on equal terms. */
    private static final List<String> PROXY_JVM_FLAGS = List.of("-Xms512m", "-Xmx512m");

    private ProxyBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = options(args);
        int seconds = Integer.parseInt(options.getOrDefault("seconds", "8"));
        int rounds = Integer.parseInt(options.getOrDefault("rounds", "3"));
        int connections = Integer.parseInt(options.getOrDefault("connections", "16"));
        int warmupBound = Integer.parseInt(options.getOrDefault("warmup", "120"));
        int warmupRound = Integer.parseInt(options.getOrDefault("warmup-round", "5"));
        int stableRounds = Integer.parseInt(options.getOrDefault("stable-rounds", "3"));
        double stablePercent = Double.parseDouble(options.getOrDefault("stable-percent", "5"));
        double jitPercent = Double.parseDouble(options.getOrDefault("jit-percent", "2"));
        Path out = Path.of(options.getOrDefault("out", "samples/target/bench")).toAbsolutePath();
        for (String tool : List.of("wrk", "nginx", "taskset")) {
            if (!onPath(tool)) {
                System.err.println("The benchmark needs " + tool + ": apt-get install -y wrk nginx-light util-linux");
                System.exit(2);
            }
        }
        if (Runtime.getRuntime().availableProcessors() < 2) {
            System.err.println("The benchmark pins the proxy and the load generator to different CPUs: it needs two.");
            System.exit(2);
        }
        Files.createDirectories(out);
        EmbeddedMariaDb embedded = null;
        try (BenchProcesses processes = new BenchProcesses()) {
            String jdbc = System.getenv("KEYWARD_BENCH_JDBC_URL");
            if (jdbc == null || jdbc.isBlank()) {
                embedded = EmbeddedMariaDb.start(Path.of("samples/target/bench-data").toAbsolutePath());
                jdbc = embedded.jdbcUrl();
            }
            int vendorPort = BenchProcesses.freePort();
            Process vendor = Nginx.startVendor(processes, VENDOR_CPU, out.resolve("nginx-vendor"), vendorPort);
            String direct = "http://127.0.0.1:" + vendorPort;

            String token = "kwadmin_bench_" + random();
            List<String> gatewayArgs = new ArrayList<>(List.of(jdbc, direct, sha256(token), random() + random(),
                    out.resolve("spool").toString()));
            if (options.containsKey("lease-usd")) {
                gatewayArgs.add(options.get("lease-usd"));
            }
            Process keyward = processes.start(onProxyCpu(BenchGateway.class, gatewayArgs));
            String gateway = "http://127.0.0.1:" + BenchProcesses.awaitPort(keyward);
            Process servlet = processes.start(onProxyCpu(JettyProxyAnchor.class, List.of("servlet", direct)));
            String viaServlet = "http://127.0.0.1:" + BenchProcesses.awaitPort(servlet);
            Process handler = processes.start(onProxyCpu(JettyProxyAnchor.class, List.of("handler", direct)));
            String viaHandler = "http://127.0.0.1:" + BenchProcesses.awaitPort(handler);
            int nginxPort = BenchProcesses.freePort();
            Process nginx = Nginx.startProxy(processes, PROXY_CPU, out.resolve("nginx-proxy"), nginxPort, vendorPort);
            String viaNginx = "http://127.0.0.1:" + nginxPort;

            String readKey = issue(gateway, token, "{\"vendor\":\"stripe\",\"agent_name\":\"bench-reader\",\"expires_in\":\"2h\","
                    + "\"policy\":{\"allow\":[{\"operation\":\"customers.retrieve\"}]}}");
            String moneyKey = issue(gateway, token, "{\"vendor\":\"stripe\",\"agent_name\":\"bench-payer\",\"expires_in\":\"2h\","
                    + "\"daily_usd_cap\":\"1000000000.00\",\"policy\":{\"allow\":[{\"operation\":\"payment_intents.create\","
                    + "\"params\":{\"amount\":{\"max\":5000},\"currency\":{\"in\":[\"usd\"]}}}]}}");
            String read = "/v1/customers/cus_1";
            String money = "/v1/payment_intents";
            BenchPath directGet = new BenchPath("direct GET", direct + read, null, null, vendor, false, null);
            BenchPath directPost = new BenchPath("direct POST", direct + money, null, MONEY_BODY, vendor, false, null);
            List<BenchPath> paths = List.of(
                    directGet,
                    new BenchPath(BenchReport.NGINX_GET, viaNginx + read, null, null, nginx, false, directGet),
                    new BenchPath(BenchReport.SERVLET_ANCHOR, viaServlet + read, null, null, servlet, false, directGet),
                    new BenchPath(BenchReport.HANDLER_ANCHOR, viaHandler + read, null, null, handler, false, directGet),
                    new BenchPath(BenchReport.KEYWARD_READ, gateway + "/stripe" + read, "Bearer " + readKey, null, keyward, true,
                            directGet),
                    directPost,
                    new BenchPath("nginx POST", viaNginx + money, null, MONEY_BODY, nginx, false, directPost),
                    new BenchPath(BenchReport.KEYWARD_MONEY, gateway + "/stripe" + money, "Bearer " + moneyKey, MONEY_BODY, keyward,
                            true, directPost));

            Map<BenchPath, BenchReport.WarmUp> warmUps = new LinkedHashMap<>();
            for (BenchPath path : paths) {
                warmUps.put(path, warmUp(path, connections, warmupRound, warmupBound, stableRounds, stablePercent, jitPercent, out));
            }
            BenchReport report = new BenchReport(measure(paths, connections, seconds, rounds, gateway, token, out),
                    measure(paths, 1, seconds, rounds, gateway, token, out));
            JsonNode metrics = get(gateway, token, "/admin/metrics");
            String leaseNote = !options.containsKey("lease-usd") ? "Escrow leases on, as by default (a chunk of 5% of the key's cap)."
                    : options.get("lease-usd").equals("off") ? "Escrow leases off (spend.lease_usd off)."
                    : "Escrow leases on (spend.lease_usd " + options.get("lease-usd") + ").";
            String setup = "Machine: " + BenchReport.machine() + ". " + leaseNote + " Placement: wrk and the vendor (nginx, one"
                    + " worker, static answers) on CPU 0; the proxy under test (Keyward's JVM, a Jetty anchor's JVM, each "
                    + String.join(" ", PROXY_JVM_FLAGS) + ", or nginx's master and one worker) on CPU 1; MariaDB unpinned. "
                    + rounds + (rounds == 1 ? " round of " : " rounds of ") + seconds + " s per path, paths alternating; medians of the rounds.";
            String footer = String.format(Locale.ROOT, "Keyward at the end: heap used %.0f MiB of %.0f MiB, %d threads.",
                    metrics.get("heap_used_bytes").asDouble() / (1 << 20), metrics.get("heap_max_bytes").asDouble() / (1 << 20),
                    ProcCpu.threads(keyward.pid()));
            String markdown = report.markdown(setup, warmUps, connections, footer);
            Files.writeString(out.resolve("results.md"), markdown);
            report.writeChart(BenchReport.machine() + "; wrk + vendor on CPU 0, proxy on CPU 1", rounds, out.resolve("latency.png"));
            System.out.println("Wrote " + out.resolve("results.md") + " and " + out.resolve("latency.png") + "\n");
            System.out.println(markdown);
        } finally {
            if (embedded != null) {
                embedded.close();
            }
        }
    }

    /** {@code taskset} on the proxy CPU, then a JVM with the flags every proxy under test shares. */
    private static List<String> onProxyCpu(Class<?> main, List<String> args) {
        List<String> command = new ArrayList<>(List.of("taskset", "-c", PROXY_CPU,
                ProcessHandle.current().info().command().orElse("java")));
        command.addAll(PROXY_JVM_FLAGS);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), main.getName()));
        command.addAll(args);
        return command;
    }

    /**
     * Short wrk rounds until the last {@code stableRounds} agree within {@code stablePercent} (highest
     * over lowest) and the server's JIT compilers used under {@code jitPercent} of the last round's
     * time, or until {@code boundSeconds} have passed. A JVM on one pinned CPU compiles for minutes,
     * and its throughput climbs in steps: in this benchmark's first runs Keyward's reads and
     * AsyncProxyServlet held steady for three rounds at a quarter of what they reached later, while
     * their C2 threads were still busy. A fixed warm-up would favour whichever proxy compiles fastest.
     */
    private static BenchReport.WarmUp warmUp(BenchPath path, int connections, int roundSeconds, int boundSeconds,
                                             int stableRounds, double stablePercent, double jitPercent, Path out)
            throws Exception {
        List<Double> recent = new ArrayList<>();
        int elapsed = 0;
        while (elapsed < boundSeconds) {
            double jitBefore = ProcCpu.jitSeconds(path.server().pid());
            double rps = Wrk.run(VENDOR_CPU, path.url(), path.authorization(), path.body(), connections, roundSeconds, out).rps();
            double jitShare = (ProcCpu.jitSeconds(path.server().pid()) - jitBefore) / roundSeconds * 100;
            elapsed += roundSeconds;
            System.out.printf(Locale.ROOT, "warm-up %-22s %4d s %9.0f req/s  JIT %4.1f%%%n", path.name(), elapsed, rps, jitShare);
            recent.add(rps);
            if (recent.size() > stableRounds) {
                recent.remove(0);
            }
            if (recent.size() == stableRounds && jitShare < jitPercent
                    && Collections.max(recent) <= Collections.min(recent) * (1 + stablePercent / 100)) {
                return new BenchReport.WarmUp(elapsed, true);
            }
        }
        return new BenchReport.WarmUp(elapsed, false);
    }

    private static Map<BenchPath, List<BenchReport.Run>> measure(List<BenchPath> paths, int connections, int seconds, int rounds,
                                                                 String gateway, String token, Path out) throws Exception {
        Map<BenchPath, List<BenchReport.Run>> runs = new LinkedHashMap<>();
        for (int round = 1; round <= rounds; round++) {
            for (BenchPath path : paths) {
                if (path.keyward()) {
                    post(gateway, token, "/admin/metrics/reset");
                }
                double cpuBefore = ProcCpu.seconds(BenchProcesses.withDescendants(path.server()));
                Wrk.Result result = Wrk.run(VENDOR_CPU, path.url(), path.authorization(), path.body(), connections, seconds, out);
                double cpu = ProcCpu.seconds(BenchProcesses.withDescendants(path.server())) - cpuBefore;
                long p50 = -1;
                long p99 = -1;
                if (path.keyward()) {
                    JsonNode overhead = get(gateway, token, "/admin/metrics").get("filter_overhead_us");
                    p50 = overhead.get("p50").asLong();
                    p99 = overhead.get("p99").asLong();
                }
                runs.computeIfAbsent(path, k -> new ArrayList<>())
                        .add(new BenchReport.Run(result, cpu * 1e6 / Math.max(1, result.requests()), p50, p99));
                System.out.printf(Locale.ROOT, "c=%d round %d %-22s %9.0f req/s  p50 %.3f ms  p99 %.3f ms%n",
                        connections, round, path.name(), result.rps(), result.p50(), result.p99());
            }
        }
        return runs;
    }

    private static String issue(String gateway, String token, String body) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(gateway + "/admin/keys"))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 201) {
            throw new IllegalStateException("issuing a key failed: " + r.body());
        }
        return JSON.readTree(r.body()).get("key").asText();
    }

    private static JsonNode get(String gateway, String token, String path) throws Exception {
        return JSON.readTree(HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(gateway + path))
                .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString()).body());
    }

    private static void post(String gateway, String token, String path) throws Exception {
        HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(gateway + path))
                .header("Authorization", "Bearer " + token).POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.discarding());
    }

    private static boolean onPath(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (Files.isExecutable(Path.of(dir, tool))) {
                return true;
            }
        }
        return false;
    }

    private static Map<String, String> options(String[] args) {
        Map<String, String> options = new LinkedHashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            if (!args[i].startsWith("--")) {
                throw new IllegalArgumentException("expected --name value, got " + args[i]);
            }
            options.put(args[i].substring(2), args[i + 1]);
        }
        return options;
    }

    private static String random() {
        byte[] bytes = new byte[16];
        new SecureRandom().nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    private static String sha256(String text) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    }
}
