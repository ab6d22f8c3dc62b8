package io.keyward.tomcat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keyward.testing.TestSecrets;
import io.keyward.testing.dist.DocPage;
import io.keyward.testing.dist.InstalledGateway;
import io.keyward.testing.dist.ProbeWebApp;
import io.keyward.testing.dist.Shell;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * keyward.war on the stock Tomcat 11 and 10.1 distributions, installed by docs/install.md's own commands
 * into a server that already serves its stock web apps and an unrelated one of the user's.
 */
class TomcatDistributionIT {
    private static final String SECTION = "## Install into Tomcat";
    private static final Pattern HTTP_PORT = Pattern.compile("Starting ProtocolHandler \\[\"http-nio-127\\.0\\.0\\.1-auto-\\d+-(\\d+)\"]");

    @TempDir
    Path work;

    @ParameterizedTest(name = "Tomcat {0}")
    @ValueSource(strings = {"tomcat11.tarball", "tomcat10.tarball"})
    void installsIntoAStockTomcatNextToItsWebApps(String tarballProperty) throws Exception {
        Path home = stockTomcat(tarballProperty);
        Map<String, String> env = new HashMap<>(Map.of("CATALINA_HOME", home.toString(), "CATALINA_BASE", home.toString()));
        InstalledGateway.installStartAndCheck(SECTION, home, env, "KEYWARD_TOMCAT_DIST", work.resolve("catalina.out"),
                HTTP_PORT, Pattern.compile("Server startup in"), List.of("io.keyward.gateway.Keyward",
                        "com.zaxxer.hikari.HikariDataSource", "org.apache.ibatis.session.SqlSession"));
    }

    /**
     * Tomcat logs a listener's exception to localhost.DATE.log only, so a bad config used to leave
     * catalina.out with "startup failed due to previous errors" and /keyward answering 404. Started
     * as a service (catalina.sh start), the reason is now one line of catalina.out, without a trace.
     */
    @Test
    void aBadConfigIsOneLineOfCatalinaOut() throws Exception {
        Path home = stockTomcat("tomcat11.tarball");
        Path pidFile = home.resolve("tomcat.pid");
        Map<String, String> env = new HashMap<>(Map.of("CATALINA_HOME", home.toString(), "CATALINA_BASE", home.toString(),
                "CATALINA_PID", pidFile.toString(), "KEYWARD_TOMCAT_DIST", System.getProperty("keyward.dist"),
                "KEYWARD_DB_URL", "jdbc:mariadb://127.0.0.1:1/none", "KEYWARD_DB_USER", "keyward", "KEYWARD_DB_PASSWORD", "unused"));
        Shell.run(DocPage.installGuide().shellBlock(SECTION, 0), home, env);
        Path config = home.resolve("conf/keyward.yaml");
        Files.writeString(config, Files.readString(config, StandardCharsets.UTF_8) + "spend:\n  default_daily_usd_cap: lots\n");
        env.putAll(Map.of("KEYWARD_KEY_PEPPER", TestSecrets.PEPPER, "KEYWARD_ADMIN_TOKEN_SHA256", TestSecrets.sha256Hex(TestSecrets.ADMIN_TOKEN),
                "STRIPE_SECRET_KEY", TestSecrets.STRIPE));
        Path catalinaOut = home.resolve("logs/catalina.out");
        Shell.run("\"$CATALINA_HOME/bin/catalina.sh\" start", home, env);
        ProcessHandle tomcat = ProcessHandle.of(Long.parseLong(Files.readString(pidFile).strip())).orElseThrow();
        try {
            String log = awaitLine(catalinaOut, "Server startup in", tomcat);
            List<String> reported = log.lines().filter(l -> l.startsWith("Keyward did not start: ")).toList();
            assertEquals(1, reported.size(), log);
            assertTrue(reported.get(0).startsWith("Keyward did not start: config " + config + ": spend.default_daily_usd_cap: "), log);
            assertFalse(log.contains("at io.keyward."), "no stack trace in catalina.out:\n" + log);
            assertFalse(log.contains(TestSecrets.STRIPE) || log.contains(TestSecrets.PEPPER), "no secret in catalina.out");
        } finally {
            tomcat.destroy();
            tomcat.onExit().get(30, TimeUnit.SECONDS);
        }
        assertFalse(tomcat.isAlive(), "Tomcat is gone");
    }

    /** The stock distribution, as the user's existing server: loopback HTTP on an ephemeral port, no
     *  shutdown port, its stock web apps and one of their own. */
    private Path stockTomcat(String tarballProperty) throws Exception {
        Shell.untar(Path.of(System.getProperty(tarballProperty)), work);
        Path home;
        try (var found = Files.list(work)) {
            home = found.filter(p -> p.getFileName().toString().startsWith("apache-tomcat-")).findFirst().orElseThrow();
        }
        Path serverXml = home.resolve("conf/server.xml");
        String xml = Files.readString(serverXml, StandardCharsets.UTF_8);
        Files.writeString(serverXml, xml.replace("port=\"8005\"", "port=\"-1\"")
                .replace("port=\"8080\"", "port=\"0\" address=\"127.0.0.1\""));
        ProbeWebApp.writeTo(home.resolve("webapps/probe"));
        return home;
    }

    private static String awaitLine(Path log, String marker, ProcessHandle server) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (System.nanoTime() < deadline) {
            String text = Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
            if (text.contains(marker)) {
                return text;
            }
            if (!server.isAlive()) {
                throw new AssertionError("Tomcat exited before '" + marker + "':\n" + text);
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no '" + marker + "' in " + log + " within 90 s");
    }
}
