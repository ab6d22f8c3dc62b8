package io.keyward.testing;

import io.keyward.admin.AdminServlet;
import io.keyward.config.ConfigLoader;
import io.keyward.config.KeywardConfig;
import io.keyward.gateway.Keyward;
import io.keyward.gateway.KeywardFilter;
import io.keyward.gateway.NotServedServlet;
import jakarta.servlet.DispatcherType;
import java.util.EnumSet;
import java.util.Map;
import org.eclipse.jetty.ee10.servlet.ErrorPageErrorHandler;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.http.UriCompliance;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * One Keyward node in an embedded Jetty 12 on a loopback ephemeral port, on its own database pool,
 * with every vendor pointed at the given fake vendor.
 */
public final class TestGateway implements AutoCloseable {
    private final Keyward keyward;
    private final Server server;
    private final String baseUrl;

    private TestGateway(Keyward keyward, Server server, String baseUrl) {
        this.keyward = keyward;
        this.server = server;
        this.baseUrl = baseUrl;
    }

    public static TestGateway start(String jdbcUrl, FakeVendor vendor) throws Exception {
        return start(jdbcUrl, vendor.baseUrl(), "");
    }

    /** @param extraYaml top-level config sections to add (spend:, guards:, limits: ...) */
    public static TestGateway start(String jdbcUrl, String vendorBaseUrl, String extraYaml) throws Exception {
        return start(jdbcUrl, vendorBaseUrl, "", extraYaml);
    }

    /** @param databaseYaml further keys of the {@code database:} section, each line indented two spaces */
    public static TestGateway start(String jdbcUrl, String vendorBaseUrl, String databaseYaml, String extraYaml) throws Exception {
        return start(jdbcUrl, vendorBaseUrl, databaseYaml, extraYaml, java.util.function.UnaryOperator.identity());
    }

    /** @param editConfig applied to the whole config text before it is parsed (to set or drop a vendor's key) */
    public static TestGateway start(String jdbcUrl, String vendorBaseUrl, String databaseYaml, String extraYaml,
                                    java.util.function.UnaryOperator<String> editConfig) throws Exception {
        return start(jdbcUrl, vendorBaseUrl, databaseYaml, extraYaml, editConfig, 0);
    }

    /**
     * @param maxThreads the most threads Jetty may have, one acceptor and one selector among them
     *     (0: Jetty's default pool), to show how many calls a few threads carry
     */
    public static TestGateway start(String jdbcUrl, String vendorBaseUrl, String databaseYaml, String extraYaml,
                                    java.util.function.UnaryOperator<String> editConfig, int maxThreads) throws Exception {
        String audit = extraYaml.contains("audit:") ? ""
                : "audit:\n  spool_dir: " + java.nio.file.Files.createTempDirectory("keyward-spool") + "\n";
        String yaml = yaml(vendorBaseUrl).replace("  connect_timeout: 1s\n", "  connect_timeout: 1s\n" + databaseYaml);
        KeywardConfig config = new ConfigLoader(Map.of("TEST_JDBC_URL", jdbcUrl)::get).parse(editConfig.apply(yaml + extraYaml + audit));
        Keyward keyward = Keyward.start(config);
        Server server;
        if (maxThreads > 0) {
            QueuedThreadPool threads = new QueuedThreadPool(maxThreads, maxThreads);
            threads.setReservedThreads(0);
            server = new Server(threads);
        } else {
            server = new Server();
        }
        // Let ambiguous URIs through to Keyward, which refuses every one of them with its JSON error and
        // an audit row; Jetty's own refusal would be an HTML page that no audit row records.
        HttpConfiguration http = new HttpConfiguration();
        http.setUriCompliance(UriCompliance.UNSAFE);
        http.setSendServerVersion(false);
        ServerConnector connector = maxThreads > 0 ? new ServerConnector(server, 1, 1, new HttpConnectionFactory(http))
                : new ServerConnector(server, new HttpConnectionFactory(http));
        connector.setHost("127.0.0.1");
        connector.setPort(0);
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
        server.start();
        return new TestGateway(keyward, server, "http://127.0.0.1:" + connector.getLocalPort());
    }

    /** The test config: every vendor at the fake vendor; Twilio Verify under the {@code /verify-host} path. */
    public static String yaml(String vendorBase) {
        return """
                node_id: test-node
                database:
                  url: ${TEST_JDBC_URL}
                  pool_size: 8
                  connect_timeout: 1s
                security:
                  key_pepper: %s
                  admin_token_sha256: %s
                vendors:
                  stripe:
                    base_url: %s
                    secret: %s
                  twilio:
                    base_url: %s
                    hosts:
                      verify: %s/verify-host
                    account_sid: %s
                    secret: %s
                  resend:
                    base_url: %s
                    secret: %s
                """.formatted(TestSecrets.PEPPER, TestSecrets.sha256Hex(TestSecrets.ADMIN_TOKEN),
                vendorBase, TestSecrets.STRIPE, vendorBase, vendorBase, TestSecrets.TWILIO_ACCOUNT,
                TestSecrets.TWILIO_TOKEN, vendorBase, TestSecrets.RESEND);
    }

    public Keyward keyward() {
        return keyward;
    }

    public String baseUrl() {
        return baseUrl;
    }

    public int port() {
        return Integer.parseInt(baseUrl.substring(baseUrl.lastIndexOf(':') + 1));
    }

    /** Waits until every audit row of the calls made so far is in the database. */
    public void flushAudit() throws InterruptedException {
        if (!keyward.audit().flush(java.time.Duration.ofSeconds(10))) {
            throw new AssertionError("audit rows were not written within 10 s");
        }
    }

    @Override
    public void close() throws Exception {
        server.stop();
        keyward.close();
    }
}
