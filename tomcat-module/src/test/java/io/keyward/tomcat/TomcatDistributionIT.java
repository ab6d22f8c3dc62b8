package io.keyward.tomcat;

import io.keyward.testing.dist.InstalledGateway;
import io.keyward.testing.dist.ProbeWebApp;
import io.keyward.testing.dist.Shell;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
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
        Shell.untar(Path.of(System.getProperty(tarballProperty)), work);
        Path home;
        try (var found = Files.list(work)) {
            home = found.filter(p -> p.getFileName().toString().startsWith("apache-tomcat-")).findFirst().orElseThrow();
        }
        // The user's existing server: HTTP on loopback (an ephemeral port, no shutdown port), its
        // stock web apps and one of their own.
        Path serverXml = home.resolve("conf/server.xml");
        String xml = Files.readString(serverXml, StandardCharsets.UTF_8);
        Files.writeString(serverXml, xml.replace("port=\"8005\"", "port=\"-1\"")
                .replace("port=\"8080\"", "port=\"0\" address=\"127.0.0.1\""));
        ProbeWebApp.writeTo(home.resolve("webapps/probe"));

        Map<String, String> env = new HashMap<>(Map.of("CATALINA_HOME", home.toString(), "CATALINA_BASE", home.toString()));
        InstalledGateway.installStartAndCheck(SECTION, home, env, "KEYWARD_TOMCAT_DIST", work.resolve("catalina.out"),
                HTTP_PORT, Pattern.compile("Server startup in"), List.of("io.keyward.gateway.Keyward",
                        "com.zaxxer.hikari.HikariDataSource", "org.apache.ibatis.session.SqlSession"));
    }
}
