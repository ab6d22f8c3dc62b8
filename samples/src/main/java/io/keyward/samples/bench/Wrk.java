package io.keyward.samples.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Runs wrk (Debian's package) pinned to one CPU and reads requests/s and latency percentiles from its report. */
final class Wrk {
    private static final Pattern RPS = Pattern.compile("Requests/sec:\\s+([0-9.]+)");
    private static final Pattern REQUESTS = Pattern.compile("(\\d+) requests in");
    private static final Pattern PERCENTILE = Pattern.compile("^\\s+(50|90|99)%\\s+([0-9.]+)(us|ms|s)\\s*$", Pattern.MULTILINE);
    private static final Pattern NON_2XX = Pattern.compile("Non-2xx or 3xx responses: (\\d+)");
    private static final Pattern ERRORS = Pattern.compile("Socket errors: connect (\\d+), read (\\d+), write (\\d+), timeout (\\d+)");

    /** One run's numbers; latencies in milliseconds. */
    record Result(double rps, long requests, double p50, double p90, double p99) {
    }

    private Wrk() {
    }

    /**
     * @param post a form body to POST, or null for GET
     */
    static Result run(String cpu, String url, String authorization, String post, int connections, int seconds, Path work)
            throws IOException, InterruptedException {
        Path script = work.resolve("wrk-" + (post == null ? "get" : "post") + ".lua");
        StringBuilder lua = new StringBuilder();
        if (post != null) {
            lua.append("wrk.method = \"POST\"\nwrk.body = \"").append(post).append("\"\n")
                    .append("wrk.headers[\"Content-Type\"] = \"application/x-www-form-urlencoded\"\n");
        }
        if (authorization != null) {
            lua.append("wrk.headers[\"Authorization\"] = \"").append(authorization).append("\"\n");
        }
        Files.writeString(script, lua.toString());
        List<String> command = new ArrayList<>(List.of("taskset", "-c", cpu, "wrk", "-t1", "-c" + connections,
                "-d" + seconds + "s", "--latency", "-s", script.toString(), url));
        Process wrk = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(wrk.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (wrk.waitFor() != 0) {
            throw new IOException("wrk failed:\n" + out);
        }
        Matcher non2xx = NON_2XX.matcher(out);
        if (non2xx.find()) {
            throw new IOException(non2xx.group(1) + " answers were not 2xx for " + url + ":\n" + out);
        }
        Matcher errors = ERRORS.matcher(out);
        if (errors.find()) {
            throw new IOException("socket errors for " + url + ":\n" + out);
        }
        double p50 = 0;
        double p90 = 0;
        double p99 = 0;
        Matcher m = PERCENTILE.matcher(out);
        while (m.find()) {
            double value = Double.parseDouble(m.group(2)) * switch (m.group(3)) {
                case "us" -> 0.001;
                case "ms" -> 1;
                default -> 1000;
            };
            switch (m.group(1)) {
                case "50" -> p50 = value;
                case "90" -> p90 = value;
                default -> p99 = value;
            }
        }
        Matcher rps = RPS.matcher(out);
        Matcher requests = REQUESTS.matcher(out);
        if (!rps.find() || !requests.find()) {
            throw new IOException("cannot read wrk's report:\n" + out);
        }
        return new Result(Double.parseDouble(rps.group(1)), Long.parseLong(requests.group(1)), p50, p90, p99);
    }
}
