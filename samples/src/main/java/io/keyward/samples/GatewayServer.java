package io.keyward.samples;

import io.keyward.admin.AdminServlet;
import io.keyward.gateway.Keyward;
import io.keyward.gateway.KeywardFilter;
import io.keyward.gateway.NotServedServlet;
import jakarta.servlet.DispatcherType;
import java.util.EnumSet;
import org.eclipse.jetty.ee10.servlet.ErrorPageErrorHandler;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.http.UriCompliance;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.util.VirtualThreads;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.server.ServerConnector;

/**
 * An embedded Jetty 12 serving one Keyward: the filter on every path, the admin API at /admin, and
 * the JSON error shape for everything else.
 */
public final class GatewayServer implements AutoCloseable {
    private final Server server;
    private final int port;

    private GatewayServer(Server server, int port) {
        this.server = server;
        this.port = port;
    }

    public static GatewayServer start(Keyward keyward, String host, int port) throws Exception {
        Server server = new Server(threadPool());
        // Let ambiguous URIs through to Keyward, which refuses every one of them with its JSON error and
        // an audit row; Jetty's own refusal would be an HTML page that no audit row records.
        HttpConfiguration http = new HttpConfiguration();
        http.setUriCompliance(UriCompliance.UNSAFE);
        // The agent sees the vendor's Server header, or none: Keyward announces nothing of its own.
        http.setSendServerVersion(false);
        ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(http));
        connector.setHost(host);
        connector.setPort(port);
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler("/");
        context.getServletHandler().setDecodeAmbiguousURIs(true);
        // Async: no server thread waits while a vendor works (KeywardFilter.completeAsync).
        FilterHolder keywardFilter = new FilterHolder(new KeywardFilter(keyward));
        keywardFilter.setAsyncSupported(true);
        context.addFilter(keywardFilter, "/*", EnumSet.of(DispatcherType.REQUEST));
        context.addServlet(new ServletHolder(new AdminServlet(keyward)), "/admin/*");
        context.addServlet(new ServletHolder(new NotServedServlet()), "/");
        ErrorPageErrorHandler errors = new ErrorPageErrorHandler();
        errors.addErrorPage(400, 599, "/not-served");
        context.setErrorHandler(errors);
        server.setHandler(context);
        server.setErrorHandler(new JsonErrorHandler());
        server.setStopAtShutdown(false);
        server.start();
        return new GatewayServer(server, connector.getLocalPort());
    }

    /**
     * Jetty's pool; with {@code KEYWARD_VIRTUAL_THREADS=true} (or the system property
     * {@code keyward.virtualThreads}) on Java 21 or later, requests run on virtual threads.
     */
    private static QueuedThreadPool threadPool() {
        QueuedThreadPool pool = new QueuedThreadPool();
        pool.setName("keyward-http");
        String wanted = System.getProperty("keyward.virtualThreads", System.getenv("KEYWARD_VIRTUAL_THREADS"));
        if (Boolean.parseBoolean(wanted)) {
            java.util.concurrent.Executor virtual = VirtualThreads.getDefaultVirtualThreadsExecutor();
            if (virtual == null) {
                System.err.println("Virtual threads need Java 21 or later; using platform threads");
            } else {
                pool.setVirtualThreadsExecutor(virtual);
            }
        }
        return pool;
    }

    public int port() {
        return port;
    }

    @Override
    public void close() throws Exception {
        server.stop();
    }
}
