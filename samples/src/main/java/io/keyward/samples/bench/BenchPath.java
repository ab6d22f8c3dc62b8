package io.keyward.samples.bench;

/**
 * One benchmarked path: where wrk sends what, the process whose CPU time it costs (the proxy's, or
 * for a direct path the vendor's), and the direct path its added latency is measured over.
 *
 * @param authorization an Authorization header, or null
 * @param body a form body to POST, or null for GET
 * @param keyward whether Keyward serves it, so its in-filter histogram applies
 * @param direct the same call straight to the vendor, or null for a direct path itself
 */
record BenchPath(String name, String url, String authorization, String body, Process server, boolean keyward,
                 BenchPath direct) {
}
