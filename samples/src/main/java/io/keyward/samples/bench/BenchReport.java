package io.keyward.samples.bench;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * The proxy benchmark's report in Markdown: every path at fixed concurrency and back to back, then
 * Keyward against the anchors and the goals of issue 16, last, each marked met or not met. Numbers
 * are medians of the rounds; ratios and added latencies are taken per round (paths alternate within
 * a round, so both sides of a ratio saw the same machine), then the median.
 */
final class BenchReport {
    /** Names of the paths the goals compare. */
    static final String KEYWARD_READ = "Keyward read";
    static final String KEYWARD_MONEY = "Keyward money";
    static final String SERVLET_ANCHOR = "AsyncProxyServlet GET";
    static final String HANDLER_ANCHOR = "ProxyHandler GET";
    static final String NGINX_GET = "nginx GET";

    /** One wrk run with the server's CPU time per request and, for Keyward, its in-filter time (-1 otherwise). */
    record Run(Wrk.Result wrk, double cpuMicrosPerRequest, long filterP50, long filterP99) {
    }

    /** How a path's warm-up ended: after how many seconds, and whether its last rounds agreed. */
    record WarmUp(int seconds, boolean stable) {
    }

    private final Map<BenchPath, List<Run>> throughput;
    private final Map<BenchPath, List<Run>> backToBack;

    BenchReport(Map<BenchPath, List<Run>> throughput, Map<BenchPath, List<Run>> backToBack) {
        this.throughput = throughput;
        this.backToBack = backToBack;
    }

    /**
     * @param setup what the run was: machine, placement, lease setting, rounds
     * @param warmUps each path's warm-up, in path order
     * @param footer a closing remark before the goals (Keyward's heap and threads)
     */
    String markdown(String setup, Map<BenchPath, WarmUp> warmUps, int connections, String footer) {
        StringBuilder md = new StringBuilder(setup).append(" Run ").append(LocalDateTime.now().withNano(0)).append(".\n\n");
        md.append("Warm-up (short rounds until the last few agree and the JIT is nearly idle):");
        warmUps.forEach((path, w) -> md.append(String.format(Locale.ROOT, " %s %s %d s;", path.name(),
                w.stable() ? "stable after" : "NOT stable within", w.seconds())));
        md.setLength(md.length() - 1);
        md.append(".\n\n**Throughput, ").append(connections).append(" connections**\n\n")
                .append("| path | req/s | p50 ms | p90 ms | p99 ms | server CPU µs/req | in-filter p50 / p99 µs |\n")
                .append("|---|---:|---:|---:|---:|---:|---:|\n");
        throughput.forEach((path, runs) -> md.append(String.format(Locale.ROOT, "| %s | %,.0f | %.3f | %.3f | %.3f | %.0f | %s |%n",
                path.name(), median(runs, r -> r.wrk().rps()), median(runs, r -> r.wrk().p50()), median(runs, r -> r.wrk().p90()),
                median(runs, r -> r.wrk().p99()), median(runs, Run::cpuMicrosPerRequest), inFilter(path, runs))));
        md.append("\n**Back to back, 1 connection**\n\n")
                .append("| path | req/s | p50 ms | p90 ms | p99 ms | added p50 / p99 ms over direct | server CPU µs/req | in-filter p50 / p99 µs |\n")
                .append("|---|---:|---:|---:|---:|---:|---:|---:|\n");
        backToBack.forEach((path, runs) -> md.append(String.format(Locale.ROOT,
                "| %s | %,.0f | %.3f | %.3f | %.3f | %s | %.0f | %s |%n", path.name(), median(runs, r -> r.wrk().rps()),
                median(runs, r -> r.wrk().p50()), median(runs, r -> r.wrk().p90()), median(runs, r -> r.wrk().p99()),
                path.direct() == null ? "" : String.format(Locale.ROOT, "%.3f / %.3f",
                        added(path, r -> r.wrk().p50()), added(path, r -> r.wrk().p99())),
                median(runs, Run::cpuMicrosPerRequest), inFilter(path, runs))));
        md.append('\n').append(footer).append("\n\n");
        md.append("**Keyward against the anchors and the goals** (").append(connections)
                .append(" connections for req/s and CPU; added latency back to back on 1 connection)\n\n")
                .append("| measure | value | goal | |\n|---|---:|---:|---|\n");
        md.append(atLeast("Keyward read / AsyncProxyServlet, req/s", ratio(KEYWARD_READ, SERVLET_ANCHOR), 0.8));
        md.append(atLeast("Keyward read / ProxyHandler, req/s", ratio(KEYWARD_READ, HANDLER_ANCHOR), Double.NaN));
        md.append(atLeast("Keyward read / nginx, req/s", ratio(KEYWARD_READ, NGINX_GET), 0.35));
        md.append(atLeast("AsyncProxyServlet / nginx, req/s", ratio(SERVLET_ANCHOR, NGINX_GET), Double.NaN));
        md.append(atLeast("Keyward money / Keyward read, req/s", ratio(KEYWARD_MONEY, KEYWARD_READ), 0.6));
        md.append(atMost("Keyward read added p50 over direct", added(path(backToBack, KEYWARD_READ), r -> r.wrk().p50()), 0.15, "ms"));
        md.append(atMost("Keyward read added p99 over direct", added(path(backToBack, KEYWARD_READ), r -> r.wrk().p99()), 1, "ms"));
        md.append(atMost("Keyward money added p50 over direct", added(path(backToBack, KEYWARD_MONEY), r -> r.wrk().p50()),
                Double.NaN, "ms"));
        md.append(atMost("Keyward proxy CPU per read", median(throughput.get(path(throughput, KEYWARD_READ)),
                Run::cpuMicrosPerRequest), 60, "µs"));
        return md.toString();
    }

    /** Writes the latency chart: each path's p50, p90 and p99 back to back on one connection. */
    void writeChart(String subtitle, int rounds, Path png) throws IOException {
        List<LatencyChart.Group> groups = backToBack.entrySet().stream().map(e -> new LatencyChart.Group(e.getKey().name(),
                median(e.getValue(), r -> r.wrk().p50()), median(e.getValue(), r -> r.wrk().p90()),
                median(e.getValue(), r -> r.wrk().p99()))).toList();
        LatencyChart.write("Latency back to back on one connection (median of " + rounds + " runs)", subtitle, groups, png);
    }

    private static String inFilter(BenchPath path, List<Run> runs) {
        return path.keyward() ? String.format(Locale.ROOT, "%.0f / %.0f", median(runs, r -> r.filterP50()),
                median(runs, r -> r.filterP99())) : "";
    }

    /** A row whose value should be at least the goal; a NaN goal is a row for reading, with no goal. */
    private static String atLeast(String measure, double value, double goal) {
        return Double.isNaN(goal) ? String.format(Locale.ROOT, "| %s | %.2f | | |%n", measure, value)
                : String.format(Locale.ROOT, "| %s | %.2f | ≥ %.2f | %s |%n", measure, value, goal, value >= goal ? "met" : "**not met**");
    }

    /** A row whose value should be at most the goal; a NaN goal is a row for reading, with no goal. */
    private static String atMost(String measure, double value, double goal, String unit) {
        String format = unit.equals("ms") ? "%.3f " : "%.0f ";
        return Double.isNaN(goal) ? String.format(Locale.ROOT, "| %s | " + format + "%s | | |%n", measure, value, unit)
                : String.format(Locale.ROOT, "| %s | " + format + "%s | ≤ %s %s | %s |%n", measure, value, unit,
                        BigDecimal.valueOf(goal).stripTrailingZeros().toPlainString(), unit, value <= goal ? "met" : "**not met**");
    }

    /** req/s of one path over another's at fixed concurrency, per round, then the median. */
    private double ratio(String over, String under) {
        List<Run> a = throughput.get(path(throughput, over));
        List<Run> b = throughput.get(path(throughput, under));
        double[] ratios = new double[a.size()];
        for (int i = 0; i < a.size(); i++) {
            ratios[i] = a.get(i).wrk().rps() / b.get(i).wrk().rps();
        }
        return median(ratios);
    }

    /** A latency percentile of a path back to back minus its direct path's, per round, then the median. */
    private double added(BenchPath path, ToDoubleFunction<Run> value) {
        List<Run> proxied = backToBack.get(path);
        List<Run> direct = backToBack.get(path.direct());
        double[] added = new double[proxied.size()];
        for (int i = 0; i < proxied.size(); i++) {
            added[i] = value.applyAsDouble(proxied.get(i)) - value.applyAsDouble(direct.get(i));
        }
        return median(added);
    }

    private static BenchPath path(Map<BenchPath, List<Run>> runs, String name) {
        return runs.keySet().stream().filter(p -> p.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalStateException("no path named " + name));
    }

    private static double median(List<Run> runs, ToDoubleFunction<Run> value) {
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
}
