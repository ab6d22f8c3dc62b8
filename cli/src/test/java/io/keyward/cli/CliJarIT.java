package io.keyward.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.keyward.testing.GatewayExtension;
import io.keyward.testing.TestSecrets;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The packaged jar, as an operator runs it: {@code java -jar keyward-cli.jar ...}, its own process, the token from the environment. */
class CliJarIT {
    @RegisterExtension
    static final GatewayExtension gw = new GatewayExtension();

    private record Exit(int code, String out) {
    }

    private static Exit run(String... args) throws Exception {
        Path jar = Path.of(System.getProperty("keyward.cli.jar", "target/keyward-cli.jar"));
        assertTrue(Files.isRegularFile(jar), "package built " + jar);
        List<String> command = new java.util.ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", jar.toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("KEYWARD_URL", gw.gateway().baseUrl());
        builder.environment().put("KEYWARD_ADMIN_TOKEN", TestSecrets.ADMIN_TOKEN);
        Process process = builder.start();
        try {
            String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(process.waitFor(60, TimeUnit.SECONDS), "the CLI exits");
            return new Exit(process.exitValue(), out);
        } finally {
            process.destroyForcibly();
        }
    }

    @Test
    void theRunnableJarIssuesAndListsKeysAndExitsWithItsCodes() throws Exception {
        Exit issued = run("keys", "issue", "--vendor", "stripe", "--agent", "jar-agent", "--daily-cap", "3.00", "--json");
        assertEquals(0, issued.code(), issued.out());
        JsonNode key = AdminApi.JSON.readTree(issued.out());
        assertTrue(key.path("key").asText().startsWith("kw_"), issued.out());

        Exit listed = run("keys", "list", "--agent", "jar-agent");
        assertEquals(0, listed.code(), listed.out());
        assertTrue(listed.out().contains("id=" + key.path("id").asText()) && listed.out().contains("daily_usd_cap=3.00"), listed.out());

        Exit missing = run("keys", "show", "zzzzzzzzzzzzzzzz");
        assertEquals(ExitCode.NOT_FOUND, missing.code(), missing.out());
        assertTrue(missing.out().contains("404"), missing.out());
    }
}
