package io.keyward.config;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.HexFormat;
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
}
