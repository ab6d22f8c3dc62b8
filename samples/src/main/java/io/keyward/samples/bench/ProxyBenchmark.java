package io.keyward.samples.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.keyward.samples.EmbeddedMariaDb;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Keyward against a direct call and nginx {@code proxy_pass}, in one run on one machine: a fast
 * fake vendor ({@link BenchVendor}), Keyward ({@link BenchGateway}, a real key and policy, the
 * quickstart's embedded MariaDB or {@code KEYWARD_BENCH_JDBC_URL}) and nginx in front of the same
 * vendor, driven by wrk. Placement is fixed with taskset: wrk and the vendor on CPU 0, the proxy
 * under test on CPU 1 (MariaDB is not pinned). Paths alternate within each round, three rounds
 * after a warm-up, first at fixed concurrency (throughput) then back to back on one connection
 * (latency). Writes {@code results.md} and {@code latency.png} to the output folder.
 *
 * <p>Usage: {@code java -cp samples/target/keyward-quickstart.jar io.keyward.samples.bench.ProxyBenchmark
 * [--seconds 8] [--rounds 3] [--connections 16] [--warmup 20] [--lease-usd 5.00] [--out samples/target/bench]};
 * {@code --lease-usd} turns escrow leases on for the money-moving path. Needs wrk, nginx and
 * taskset ({@code apt-get install -y wrk nginx-light util-linux}).
 */
public final class ProxyBenchmark {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String MONEY_BODY = "amount=100&currency=usd";
    private static final String VENDOR_CPU = "0";
    private static final String PROXY_CPU = "1";

    private ProxyBenchmark() {
    }

    /** One benchmarked path: where wrk sends what, and which processes serve it. */
    private record Target(String name, String url, String authorization, String body, List<Long> proxyPids, boolean keyward) {
    }

    /** One wrk run with the proxy's CPU time and, for Keyward, its in-filter time. */
    private record Run(Wrk.Result wrk, double cpuMicrosPerRequest, long filterP50, long filterP99) {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = options(args);
        int seconds = Integer.parseInt(options.getOrDefault("seconds", "8"));
        int rounds = Integer.parseInt(options.getOrDefault("rounds", "3"));
        int connections = Integer.parseInt(options.getOrDefault("connections", "16"));
        int warmup = Integer.parseInt(options.getOrDefault("warmup", "20"));
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
        List<Process> children = new ArrayList<>();
        EmbeddedMariaDb embedded = null;
        try {
            String jdbc = System.getenv("KEYWARD_BENCH_JDBC_URL");
            if (jdbc == null || jdbc.isBlank()) {
                embedded = EmbeddedMariaDb.start(Path.of("samples/target/bench-data").toAbsolutePath());
                jdbc = embedded.jdbcUrl();
            }
            String java = ProcessHandle.current().info().command().orElse("java");
            String classpath = System.getProperty("java.class.path");

            Process vendor = start(children, List.of("taskset", "-c", VENDOR_CPU, java, "-Xmx256m", "-cp", classpath,
                    BenchVendor.class.getName()));
            int vendorPort = awaitPort(vendor);
            String token = "kwadmin_bench_" + random();
            List<String> gatewayCommand = new ArrayList<>(List.of("taskset", "-c", PROXY_CPU, java, "-Xms512m", "-Xmx512m",
                    "-cp", classpath, BenchGateway.class.getName(), jdbc, "http://127.0.0.1:" + vendorPort, sha256(token),
                    random() + random(), out.resolve("spool").toString()));
            if (options.containsKey("lease-usd")) {
                gatewayCommand.add(options.get("lease-usd"));
            }
            Process keyward = start(children, gatewayCommand);
            int keywardPort = awaitPort(keyward);
            int nginxPort = freePort();
            Process nginx = start(children, List.of("taskset", "-c", PROXY_CPU, "nginx", "-p", out.resolve("nginx").toString(),
                    "-c", writeNginxConf(out.resolve("nginx"), nginxPort, vendorPort).toString()));
            awaitListening(nginxPort, nginx);

            String gateway = "http://127.0.0.1:" + keywardPort;
            String readKey = issue(gateway, token, "{\"vendor\":\"stripe\",\"agent_name\":\"bench-reader\",\"expires_in\":\"2h\","
                    + "\"policy\":{\"allow\":[{\"operation\":\"customers.retrieve\"}]}}");
            String moneyKey = issue(gateway, token, "{\"vendor\":\"stripe\",\"agent_name\":\"bench-payer\",\"expires_in\":\"2h\","
                    + "\"daily_usd_cap\":\"1000000000.00\",\"policy\":{\"allow\":[{\"operation\":\"payment_intents.create\","
                    + "\"params\":{\"amount\":{\"max\":5000},\"currency\":{\"in\":[\"usd\"]}}}]}}");
            List<Long> keywardPids = List.of(keyward.pid());
            List<Long> nginxPids = new ArrayList<>(List.of(nginx.pid()));
            nginx.descendants().forEach(p -> nginxPids.add(p.pid()));
            String direct = "http://127.0.0.1:" + vendorPort;
            String viaNginx = "http://127.0.0.1:" + nginxPort;
            List<Target> targets = List.of(
                    new Target("direct GET", direct + "/v1/customers/cus_1", null, null, List.of(vendor.pid()), false),
                    new Target("nginx GET", viaNginx + "/v1/customers/cus_1", null, null, nginxPids, false),
                    new Target("Keyward read", gateway + "/stripe/v1/customers/cus_1", "Bearer " + readKey, null, keywardPids, true),
                    new Target("nginx POST", viaNginx + "/v1/payment_intents", null, MONEY_BODY, nginxPids, false),
                    new Target("Keyward money", gateway + "/stripe/v1/payment_intents", "Bearer " + moneyKey, MONEY_BODY, keywardPids, true));

            // The JIT on one pinned CPU takes tens of seconds to settle: warm Keyward longest.
            System.out.println("Warming up...");
            for (Target t : targets) {
                Wrk.run(VENDOR_CPU, t.url(), t.authorization(), t.body(), connections, t.keyward() ? warmup : 5, out);
            }
            Map<String, List<Run>> throughput = measure(targets, connections, seconds, rounds, gateway, token, out);
            Map<String, List<Run>> latency = measure(targets, 1, seconds, rounds, gateway, token, out);
            JsonNode metrics = get(gateway, token, "/admin/metrics");
            int threads = ProcCpu.threads(keyward.pid());

            String leaseNote = !options.containsKey("lease-usd") ? ". Escrow leases on, as by default (a chunk of 5% of the key's cap)"
                    : options.get("lease-usd").equals("off") ? ". Escrow leases off (spend.lease_usd off)"
                    : ". Escrow leases on (spend.lease_usd " + options.get("lease-usd") + ")";
            String report = report(throughput, latency, connections, seconds, rounds, metrics, threads, leaseNote);
            Files.writeString(out.resolve("results.md"), report);
            List<LatencyChart.Group> groups = new ArrayList<>();
            for (Target t : targets) {
                List<Run> runs = latency.get(t.name());
                groups.add(new LatencyChart.Group(t.name(), median(runs, r -> r.wrk().p50()), median(runs, r -> r.wrk().p90()),
                        median(runs, r -> r.wrk().p99())));
            }
            LatencyChart.write("Latency back to back on one connection (median of " + rounds + " runs)",
                    machine() + "; wrk + vendor on CPU 0, proxy on CPU 1", groups, out.resolve("latency.png"));
            System.out.println(report);
            System.out.println("Wrote " + out.resolve("results.md") + " and " + out.resolve("latency.png"));
        } finally {
            for (Process p : children) {
                p.descendants().forEach(ProcessHandle::destroy);
                p.destroy();
                if (!p.waitFor(10, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            }
            if (embedded != null) {
                embedded.close();
            }
        }
    }

    private static Map<String, List<Run>> measure(List<Target> targets, int connections, int seconds, int rounds,
                                                  String gateway, String token, Path out) throws Exception {
        Map<String, List<Run>> runs = new LinkedHashMap<>();
        for (int round = 1; round <= rounds; round++) {
            for (Target t : targets) {
                if (t.keyward()) {
                    post(gateway, token, "/admin/metrics/reset");
                }
                double cpuBefore = ProcCpu.seconds(t.proxyPids());
                Wrk.Result result = Wrk.run(VENDOR_CPU, t.url(), t.authorization(), t.body(), connections, seconds, out);
                double cpu = ProcCpu.seconds(t.proxyPids()) - cpuBefore;
                long p50 = -1;
                long p99 = -1;
                if (t.keyward()) {
                    JsonNode overhead = get(gateway, token, "/admin/metrics").get("filter_overhead_us");
                    p50 = overhead.get("p50").asLong();
                    p99 = overhead.get("p99").asLong();
                }
                runs.computeIfAbsent(t.name(), k -> new ArrayList<>())
                        .add(new Run(result, cpu * 1e6 / Math.max(1, result.requests()), p50, p99));
                System.out.printf(Locale.ROOT, "c=%d round %d %-14s %9.0f req/s  p50 %.3f ms  p99 %.3f ms%n",
                        connections, round, t.name(), result.rps(), result.p50(), result.p99());
            }
        }
        return runs;
    }

    private static String report(Map<String, List<Run>> throughput, Map<String, List<Run>> latency, int connections,
                                 int seconds, int rounds, JsonNode metrics, int threads, String leaseNote) {
        StringBuilder md = new StringBuilder();
        md.append("Machine: ").append(machine()).append(leaseNote).append(". Placement: wrk and the fake vendor on CPU 0, the proxy under")
                .append(" test (Keyward's JVM or nginx's master and one worker) on CPU 1, MariaDB unpinned. ")
                .append(rounds).append(" rounds of ").append(seconds).append(" s per path, paths alternating, after a warm-up; ")
                .append("medians of the rounds. Run ").append(LocalDateTime.now().withNano(0)).append(".\n\n");
        Map<String, Map<String, List<Run>>> modes = new LinkedHashMap<>();
        modes.put("Throughput, " + connections + " connections", throughput);
        modes.put("Back to back, 1 connection", latency);
        for (Map.Entry<String, Map<String, List<Run>>> mode : modes.entrySet()) {
            md.append("**").append(mode.getKey()).append("**\n\n");
            md.append("| path | req/s | p50 ms | p90 ms | p99 ms | proxy CPU µs/req | in-filter p50 / p99 µs |\n");
            md.append("|---|---:|---:|---:|---:|---:|---:|\n");
            for (Map.Entry<String, List<Run>> path : mode.getValue().entrySet()) {
                List<Run> runs = path.getValue();
                boolean keyward = runs.get(0).filterP50() >= 0;
                md.append(String.format(Locale.ROOT, "| %s | %,.0f | %.3f | %.3f | %.3f | %.0f | %s |%n", path.getKey(),
                        median(runs, r -> r.wrk().rps()), median(runs, r -> r.wrk().p50()), median(runs, r -> r.wrk().p90()),
                        median(runs, r -> r.wrk().p99()), median(runs, Run::cpuMicrosPerRequest),
                        keyward ? String.format(Locale.ROOT, "%.0f / %.0f", median(runs, r -> r.filterP50()),
                                median(runs, r -> r.filterP99())) : ""));
            }
            md.append('\n');
        }
        md.append("**Ratios** (per round, then the median)\n\n| ratio | value |\n|---|---:|\n");
        md.append(ratio("Keyward read / direct GET, req/s", throughput, "Keyward read", "direct GET"));
        md.append(ratio("Keyward read / nginx GET, req/s", throughput, "Keyward read", "nginx GET"));
        md.append(ratio("Keyward money / nginx POST, req/s", throughput, "Keyward money", "nginx POST"));
        md.append(String.format(Locale.ROOT, "| Keyward read added p50 over direct, 1 connection | %.3f ms |%n",
                added(latency, "Keyward read", r -> r.wrk().p50())));
        md.append(String.format(Locale.ROOT, "| Keyward read added p99 over direct, 1 connection | %.3f ms |%n",
                added(latency, "Keyward read", r -> r.wrk().p99())));
        md.append(String.format(Locale.ROOT, "| Keyward money added p50 over direct, 1 connection | %.3f ms |%n",
                added(latency, "Keyward money", r -> r.wrk().p50())));
        md.append(String.format(Locale.ROOT, "%nKeyward at the end: heap used %.0f MiB of %.0f MiB, %d threads.%n",
                metrics.get("heap_used_bytes").asDouble() / (1 << 20), metrics.get("heap_max_bytes").asDouble() / (1 << 20), threads));
        return md.toString();
    }

    private static String ratio(String label, Map<String, List<Run>> runs, String over, String under) {
        List<Run> a = runs.get(over);
        List<Run> b = runs.get(under);
        double[] ratios = new double[a.size()];
        for (int i = 0; i < a.size(); i++) {
            ratios[i] = a.get(i).wrk().rps() / b.get(i).wrk().rps();
        }
        return String.format(Locale.ROOT, "| %s | %.2f |%n", label, median(ratios));
    }

    private static double added(Map<String, List<Run>> runs, String path, java.util.function.ToDoubleFunction<Run> value) {
        List<Run> keyward = runs.get(path);
        List<Run> direct = runs.get("direct GET");
        double[] added = new double[keyward.size()];
        for (int i = 0; i < keyward.size(); i++) {
            added[i] = value.applyAsDouble(keyward.get(i)) - value.applyAsDouble(direct.get(i));
        }
        return median(added);
    }

    private static double median(List<Run> runs, java.util.function.ToDoubleFunction<Run> value) {
        return median(runs.stream().mapToDouble(value).toArray());
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    static String machine() {
        String cpu = "unknown CPU";
        try {
            cpu = Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                    .findFirst().map(l -> l.substring(l.indexOf(':') + 1).strip()).orElse(cpu);
        } catch (IOException ignored) {
            // not Linux: say so in the report
        }
        return Runtime.getRuntime().availableProcessors() + " vCPU " + cpu + ", Java " + System.getProperty("java.version");
    }

    private static Path writeNginxConf(Path dir, int port, int vendorPort) throws IOException {
        Files.createDirectories(dir.resolve("logs"));
        Files.createDirectories(dir.resolve("tmp"));
        boolean root = "root".equals(System.getProperty("user.name"));
        String conf = (root ? "user root;\n" : "") + """
                worker_processes 1;
                daemon off;
                pid %1$s/nginx.pid;
                error_log %1$s/logs/error.log warn;
                events { worker_connections 4096; }
                http {
                  access_log off;
                  client_body_temp_path %1$s/tmp/body;
                  proxy_temp_path %1$s/tmp/proxy;
                  fastcgi_temp_path %1$s/tmp/fastcgi;
                  uwsgi_temp_path %1$s/tmp/uwsgi;
                  scgi_temp_path %1$s/tmp/scgi;
                  upstream vendor { server 127.0.0.1:%3$d; keepalive 256; }
                  server {
                    listen 127.0.0.1:%2$d;
                    location / {
                      proxy_pass http://vendor;
                      proxy_http_version 1.1;
                      proxy_set_header Connection "";
                    }
                  }
                }
                """.formatted(dir, port, vendorPort);
        Path file = dir.resolve("nginx.conf");
        Files.writeString(file, conf);
        return file;
    }

    private static Process start(List<Process> children, List<String> command) throws IOException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        children.add(p);
        return p;
    }

    /** Reads the child's output until its {@code PORT n} line; the rest of its output is drained and dropped. */
    private static int awaitPort(Process p) throws Exception {
        BufferedReader lines = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        CompletableFuture<Integer> port = CompletableFuture.supplyAsync(() -> {
            try {
                for (String line; (line = lines.readLine()) != null; ) {
                    if (line.startsWith("PORT ")) {
                        return Integer.parseInt(line.substring(5).strip());
                    }
                }
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            throw new IllegalStateException("the process ended before it was listening");
        });
        int found = port.get(120, TimeUnit.SECONDS);
        Thread drain = new Thread(() -> {
            try {
                while (lines.readLine() != null) {
                    // keep the pipe empty so the child never blocks on its output
                }
            } catch (IOException ignored) {
                // the child ended
            }
        });
        drain.setDaemon(true);
        drain.start();
        return found;
    }

    private static void awaitListening(int port, Process p) throws Exception {
        for (int i = 0; i < 100; i++) {
            try (Socket s = new Socket("127.0.0.1", port)) {
                return;
            } catch (IOException e) {
                if (!p.isAlive()) {
                    throw new IllegalStateException("nginx exited: " + new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
                }
                Thread.sleep(100);
            }
        }
        throw new IllegalStateException("nginx did not listen on " + port);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
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
