package io.keyward.jetty;

import io.keyward.testing.dist.InstalledGateway;
import io.keyward.testing.dist.ProbeWebApp;
import io.keyward.testing.dist.Shell;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Keyward's Jetty module on the stock jetty-home distribution, installed by docs/install.md's own
 * commands into a base that already serves an unrelated web app.
 */
class JettyDistributionIT {
    private static final String SECTION = "## Install into Jetty";
    private static final Pattern HTTP_PORT = Pattern.compile(
            "Started oejs\\.ServerConnector@\\S+\\{HTTP/1\\.1, \\(http/1\\.1\\)\\}\\{127\\.0\\.0\\.1:(\\d+)}");

    @TempDir
    Path work;

    @Test
    void installsIntoAStockJettyBaseNextToItsWebApps() throws Exception {
        Shell.untar(Path.of(System.getProperty("jetty.home.tarball")), work);
        Path home;
        try (var found = Files.list(work)) {
            home = found.filter(p -> p.getFileName().toString().startsWith("jetty-home-")).findFirst().orElseThrow();
        }
        Path base = Files.createDirectories(work.resolve("base"));
        Map<String, String> env = new HashMap<>(Map.of("JETTY_HOME", home.toString(), "JETTY_BASE", base.toString()));

        // The user's existing server: HTTP on loopback, the deployer, one web app of their own.
        Shell.run("java -jar \"$JETTY_HOME/start.jar\" --add-modules=http,ee10-deploy", base, env);
        Files.writeString(base.resolve("start.d/http-port.ini"), "jetty.http.host=127.0.0.1\njetty.http.port=0\n");
        ProbeWebApp.writeTo(base.resolve("webapps/probe"));

        InstalledGateway.installStartAndCheck(SECTION, base, env, "KEYWARD_JETTY_MODULE", work.resolve("jetty.log"),
                HTTP_PORT, Pattern.compile("Started oejs\\.Server@"), List.of("io.keyward.gateway.Keyward",
                        "org.mariadb.jdbc.Driver", "com.zaxxer.hikari.HikariDataSource", "org.apache.ibatis.session.SqlSession"));
    }
}
