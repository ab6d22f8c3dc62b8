package io.keyward.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keyward.admin.AdminServlet;
import io.keyward.testing.AdminClient;
import io.keyward.testing.FakeVendor;
import io.keyward.testing.RawHttp;
import io.keyward.testing.TestDatabase;
import io.keyward.testing.TestGateway;
import io.keyward.testing.TestSecrets;
import jakarta.servlet.DispatcherType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The wiring a web.xml declares, done the container's way: the listener reads the config named by
 * the context parameter, and the filter and admin servlet, created by the container with no-arg
 * constructors, find the running instance in the ServletContext.
 */
class WebXmlWiringTest {

    private static Server server(ServletContextHandler context) {
        Server server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        server.setHandler(context);
        return server;
    }

    /** Both ways a web.xml may declare the filter: async-supported (no thread waits on the vendor) or not (an older web.xml: it still works). */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(booleans = {true, false})
    void listenerFilterAndServletDeclaredLikeWebXmlServeCalls(boolean asyncSupported, @TempDir Path dir) throws Exception {
        try (FakeVendor vendor = new FakeVendor()) {
            vendor.server().stubFor(com.github.tomakehurst.wiremock.client.WireMock.any(com.github.tomakehurst.wiremock.client.WireMock.anyUrl())
                    .willReturn(com.github.tomakehurst.wiremock.client.WireMock.aResponse().withStatus(200).withBody("{}")));
            Path config = dir.resolve("keyward.yaml");
            Files.writeString(config, TestGateway.yaml(vendor.baseUrl()).replace("${TEST_JDBC_URL}", TestDatabase.fresh()));
            ServletContextHandler context = new ServletContextHandler("/gateway");
            context.setInitParameter(KeywardContextListener.CONFIG_PARAM, config.toString());
            context.addEventListener(new KeywardContextListener());
            FilterHolder filter = new FilterHolder(KeywardFilter.class);
            filter.setAsyncSupported(asyncSupported);
            context.addFilter(filter, "/*", EnumSet.of(DispatcherType.REQUEST));
            context.addServlet(AdminServlet.class, "/admin/*");
            Server server = server(context);
            server.start();
            try {
                int port = ((ServerConnector) server.getConnectors()[0]).getLocalPort();
                AdminClient admin = new AdminClient("http://127.0.0.1:" + port + "/gateway", TestSecrets.ADMIN_TOKEN);
                assertEquals(200, admin.get("/health").status());
                String key = admin.issue("stripe", "webapp", null).get("key").asText();
                RawHttp.Response r = RawHttp.send(port, ("GET /gateway/stripe/v1/customers/cus_1 HTTP/1.1\r\nHost: x\r\n"
                        + "Connection: close\r\nAuthorization: Bearer " + key + "\r\n\r\n").getBytes(StandardCharsets.UTF_8));
                assertEquals(200, r.status(), r.bodyText());
                assertEquals("Bearer " + TestSecrets.STRIPE, vendor.received().get(0).getHeader("Authorization"));
                assertEquals("/v1/customers/cus_1", vendor.received().get(0).getUrl(), "the context path is not forwarded");
            } finally {
                server.stop();
            }
        }
    }

    @Test
    void aWebAppWithABadConfigDoesNotStartAndSaysWhich(@TempDir Path dir) throws Exception {
        Path bad = dir.resolve("bad.yaml");
        Files.writeString(bad, TestGateway.yaml("http://127.0.0.1:1").replace("pool_size: 8", "pool_size: 0")
                .replace("${TEST_JDBC_URL}", "jdbc:mariadb://127.0.0.1:1/none"));
        ServletContextHandler context = new ServletContextHandler("/");
        context.setInitParameter(KeywardContextListener.CONFIG_PARAM, bad.toString());
        context.addEventListener(new KeywardContextListener());
        context.addFilter(new FilterHolder(KeywardFilter.class), "/*", EnumSet.of(DispatcherType.REQUEST));
        Server server = server(context);
        java.io.ByteArrayOutputStream stderr = new java.io.ByteArrayOutputStream();
        java.io.PrintStream realStderr = System.err;
        System.setErr(new java.io.PrintStream(stderr, true, StandardCharsets.UTF_8));
        try {
            Exception e = assertThrows(Exception.class, server::start);
            Throwable failure = e;
            while (failure.getCause() != null && !(failure instanceof StartFailure)) {
                failure = failure.getCause();
            }
            String line = "Keyward did not start: config " + bad + ": database.pool_size: must be between";
            assertTrue(failure instanceof StartFailure && failure.getMessage().startsWith(line), e.toString());
            assertEquals(0, failure.getStackTrace().length, "a config key is the whole story: no stack trace");
            assertTrue(!failure.getMessage().contains(TestSecrets.STRIPE));
            // Containers log the exception where operators do not look (Tomcat: localhost.DATE.log),
            // so the reason is also one line on standard error (Tomcat: catalina.out).
            String printed = stderr.toString(StandardCharsets.UTF_8);
            assertTrue(printed.startsWith(line) && printed.strip().lines().count() == 1, printed);
        } finally {
            System.setErr(realStderr);
            server.stop();
        }
    }

    @Test
    void aWebAppThatCannotReachItsDatabaseSaysSoInOneLine() {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        StartFailure failure = StartFailure.reported("cannot open its database: Socket fail\n  to connect", new java.sql.SQLException("x"),
                new java.io.PrintStream(out, true, StandardCharsets.UTF_8));
        assertEquals("Keyward did not start: cannot open its database: Socket fail to connect\n", out.toString(StandardCharsets.UTF_8));
        assertTrue(failure.getStackTrace().length > 0, "a fault with a cause keeps its trace for the container's log");
    }
}
