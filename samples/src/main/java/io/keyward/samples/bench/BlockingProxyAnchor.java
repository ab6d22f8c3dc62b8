package io.keyward.samples.bench;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpHost;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * A 40-line servlet proxy on HttpClient 5's blocking client with no checks: the anchor that tells
 * whether the blocking exchange is what limits Keyward (docs/perf/profile.md). Argument: the vendor's
 * base URL. Prints {@code PORT n} and serves until killed.
 */
public final class BlockingProxyAnchor {
    private BlockingProxyAnchor() {
    }

    public static void main(String[] a) throws Exception {
        HttpHost target = HttpHost.create(a[0]);
        CloseableHttpClient client = HttpClients.custom()
                .setConnectionManager(PoolingHttpClientConnectionManagerBuilder.create().setMaxConnTotal(512).setMaxConnPerRoute(512).build())
                .disableAutomaticRetries().disableContentCompression().disableCookieManagement().build();
        Server server = new Server();
        ServerConnector c = new ServerConnector(server);
        c.setHost("127.0.0.1");
        server.addConnector(c);
        ServletContextHandler ctx = new ServletContextHandler();
        ctx.addServlet(new ServletHolder(new HttpServlet() {
            @Override
            protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                HttpGet get = new HttpGet(req.getRequestURI() + (req.getQueryString() == null ? "" : "?" + req.getQueryString()));
                try (ClassicHttpResponse r = client.executeOpen(target, get, null)) {
                    resp.setStatus(r.getCode());
                    for (Header h : r.getHeaders()) {
                        String n = h.getName();
                        if (!n.equalsIgnoreCase("Connection") && !n.equalsIgnoreCase("Keep-Alive") && !n.equalsIgnoreCase("Transfer-Encoding")) {
                            resp.addHeader(n, h.getValue());
                        }
                    }
                    if (r.getEntity() != null) {
                        try (InputStream in = r.getEntity().getContent()) {
                            in.transferTo(resp.getOutputStream());
                        }
                    }
                }
            }
        }), "/*");
        server.setHandler(ctx);
        server.start();
        System.out.println("PORT " + c.getLocalPort());
        System.out.flush();
        server.join();
    }
}
