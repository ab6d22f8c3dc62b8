package io.keyward.config;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keyward.testing.dist.DocPage;
import io.keyward.testing.dist.Shell;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The admin token's hash is taken as {@code sha256sum} prints it, and nothing looser. */
class AdminTokenHashTest {
    private static final String HEX = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

    @ParameterizedTest
    @ValueSource(strings = {HEX, HEX + "  -", HEX + "  -\n", HEX + "  token.txt", HEX + " *token.txt", "  " + HEX + "  "})
    void acceptsWhatSha256sumPrints(String configured) {
        assertArrayEquals(HexFormat.of().parseHex(HEX), SecurityConfig.adminTokenHash(configured));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "x", "9f86", HEX + "0", HEX + " -", HEX + "-", HEX + "\t-", "sha256:" + HEX, "9g86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"})
    void refusesAnythingElseShowingACommandThatWorks(String configured) {
        ConfigException e = assertThrows(ConfigException.class, () -> SecurityConfig.adminTokenHash(configured));
        assertEquals("admin_token_sha256: must be the SHA-256 of the admin token, 64 hex digits as sha256sum prints them"
                + " (printf %s \"$TOKEN\" | sha256sum)", e.getMessage());
    }

    /** The install guide's commands make a token of the shape Keyward makes, and a hash it accepts. */
    @Test
    void theInstallGuidesTokenAndHashWork(@TempDir Path dir) throws Exception {
        String block = DocPage.of(Path.of("../docs/install.md"))
                .shellBlock("## Before you install: the admin token and the database", 0);
        String[] out = Shell.run(block + "printf '%s\\n%s\\n' \"$TOKEN\" \"$KEYWARD_ADMIN_TOKEN_SHA256\"\n", dir, Map.of()).split("\n");
        String token = out[0];
        assertTrue(token.matches("kwadm_[A-Za-z0-9_-]{43}"), "kwadm_ and 43 base64url characters: " + token.length());
        assertTrue(out[1].endsWith("  -"), "the hash is exactly what sha256sum printed");
        assertArrayEquals(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)),
                SecurityConfig.adminTokenHash(out[1]));
        assertEquals(token, Files.readString(dir.resolve("admin-token")));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("admin-token"))));
    }
}
