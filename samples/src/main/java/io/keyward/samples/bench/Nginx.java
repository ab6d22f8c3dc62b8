package io.keyward.samples.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The benchmark's two nginx processes: the vendor (static Stripe answers) and the nginx
 * {@code proxy_pass} anchor in front of it. Each has its own prefix folder and one worker, pinned
 * with taskset to the CPU it is given.
 */
final class Nginx {
    /** What {@code GET /v1/customers/cus_1} answers: a Stripe customer, as Stripe shapes it. */
    static final String CUSTOMER = "{\"id\":\"cus_1\",\"object\":\"customer\",\"address\":null,\"balance\":0,"
            + "\"created\":1680893993,\"currency\":null,\"default_source\":null,\"delinquent\":false,\"description\":null,"
            + "\"email\":\"jenny.rosen@example.com\",\"invoice_prefix\":\"0759376C\",\"livemode\":false,\"metadata\":{},"
            + "\"name\":\"Jenny Rosen\",\"phone\":null,\"preferred_locales\":[],\"shipping\":null,\"tax_exempt\":\"none\"}";
    /** What {@code POST /v1/payment_intents} answers: the intent the benchmark's body asks for ($1.00), so the ledger settles the amount it reserved. */
    static final String PAYMENT_INTENT = "{\"id\":\"pi_3MtwBwLkdIwHu7ix28a3tqPa\",\"object\":\"payment_intent\",\"amount\":100,"
            + "\"currency\":\"usd\",\"status\":\"requires_payment_method\",\"livemode\":false}";

    private Nginx() {
    }

    /** nginx as the vendor: fixed answers from {@code return}, so no JVM shares the load generator's CPU. */
    static Process startVendor(BenchProcesses processes, String cpu, Path dir, int port) throws Exception {
        return start(processes, cpu, dir, port, """
                  server {
                    listen 127.0.0.1:%d;
                    default_type application/json;
                    add_header Request-Id req_bench always;
                    location = /v1/customers/cus_1 { return 200 '%s'; }
                    location = /v1/payment_intents { return 200 '%s'; }
                  }
                """.formatted(port, CUSTOMER, PAYMENT_INTENT));
    }

    /** nginx as the proxy anchor: {@code proxy_pass} over kept-alive upstream connections. */
    static Process startProxy(BenchProcesses processes, String cpu, Path dir, int port, int vendorPort) throws Exception {
        return start(processes, cpu, dir, port, """
                  upstream vendor { server 127.0.0.1:%2$d; keepalive 256; keepalive_requests 1000000000; }
                  server {
                    listen 127.0.0.1:%1$d;
                    location / {
                      proxy_pass http://vendor;
                      proxy_http_version 1.1;
                      proxy_set_header Connection "";
                    }
                  }
                """.formatted(port, vendorPort));
    }

    private static Process start(BenchProcesses processes, String cpu, Path dir, int port, String servers) throws Exception {
        Files.createDirectories(dir.resolve("logs"));
        Files.createDirectories(dir.resolve("tmp"));
        boolean root = "root".equals(System.getProperty("user.name"));
        // nginx closes a kept-alive connection after 1,000 requests by default; wrk and the proxies'
        // pools would then reconnect mid-run, which measures connection set-up instead of proxying.
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
                  keepalive_requests 1000000000;
                  keepalive_timeout 600s;
                %2$s}
                """.formatted(dir, servers);
        Path file = dir.resolve("nginx.conf");
        Files.writeString(file, conf);
        Process nginx = processes.start(List.of("taskset", "-c", cpu, "nginx", "-p", dir.toString(), "-c", file.toString()));
        BenchProcesses.awaitListening(port, nginx);
        return nginx;
    }
}
