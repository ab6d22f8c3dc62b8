package io.keyward.samples.bench;

import org.eclipse.jetty.ee10.proxy.AsyncProxyServlet;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.http.HttpURI;
import org.eclipse.jetty.proxy.ProxyHandler;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * A Java anchor for the benchmark: one of Jetty's own reverse proxies, on Jetty's defaults, in front
 * of the vendor with no checks at all. It shows what the same servlet container and a Java HTTP
 * client cost on the same core, so Keyward's numbers can be read against Java rather than only
 * against nginx. Prints {@code PORT n} and serves until killed.
 *
 * <p>Arguments: {@code servlet} (ee10 {@link AsyncProxyServlet.Transparent}, the servlet stack
 * Keyward's filter runs in) or {@code handler} (core {@link ProxyHandler.Reverse}, no servlet layer),
 * then the vendor's base URL ({@code http://127.0.0.1:port}).
 */
public final class JettyProxyAnchor {
    private JettyProxyAnchor() {
    }

    public static void main(String[] args) throws Exception {
        String kind = args[0];
        HttpURI vendor = HttpURI.from(args[1]);
        Server server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        server.setHandler(switch (kind) {
            case "servlet" -> asyncProxyServlet(args[1]);
            case "handler" -> proxyHandler(vendor);
            default -> throw new IllegalArgumentException("expected servlet or handler, got " + kind);
        });
        server.start();
        System.out.println("PORT " + connector.getLocalPort());
        System.out.flush();
        server.join();
    }

    private static Handler asyncProxyServlet(String vendor) {
        ServletContextHandler context = new ServletContextHandler("/");
        ServletHolder proxy = new ServletHolder(new AsyncProxyServlet.Transparent());
        proxy.setInitParameter("proxyTo", vendor);
        // AsyncProxyServlet reads and writes with servlet async I/O, which a holder must allow.
        proxy.setAsyncSupported(true);
        context.addServlet(proxy, "/*");
        return context;
    }

    private static Handler proxyHandler(HttpURI vendor) {
        // Same path and query, the vendor's scheme, host and port.
        return new ProxyHandler.Reverse(request -> HttpURI.build(request.getHttpURI())
                .scheme(vendor.getScheme()).host(vendor.getHost()).port(vendor.getPort()));
    }
}
