package io.keyward.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keyward.registry.VendorRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ConfigLoaderTest {
    private static final String HASH = "a".repeat(64);
    private static final String VALID = """
            database:
              url: jdbc:mariadb://127.0.0.1:3306/keyward
              user: keyward
              password: ${DB_PASSWORD}
            security:
              key_pepper: ${PEPPER}
              admin_token_sha256: %s
            vendors:
              stripe:
                base_url: https://api.stripe.com/
                secret: ${STRIPE_SECRET_KEY}
            """.formatted(HASH);
    private static final Map<String, String> ENV = Map.of(
            "DB_PASSWORD", "db-pass-123", "PEPPER", "pepper-0123456789-0123456789-0123456789",
            "STRIPE_SECRET_KEY", "sk_live_TOPSECRET_value");

    private final ConfigLoader loader = new ConfigLoader(ENV::get);

    @Test
    void validConfigGetsDefaultsAndSubstitutions() {
        KeywardConfig config = loader.parse(VALID);
        assertEquals("", config.mountPrefix());
        assertEquals(16, config.database().poolSize());
        assertTrue(config.database().migrate());
        assertEquals(Duration.ofSeconds(10), config.database().retryDeadline(), "outlasts Galera's default 5 s failure detection");
        assertEquals("db-pass-123", config.database().password().reveal());
        assertEquals("sk_live_TOPSECRET_value", config.vendors().get("stripe").secret().reveal());
        assertEquals("https://api.stripe.com", config.vendors().get("stripe").baseUrl().toString(), "trailing slash dropped");
        assertEquals(Duration.ofHours(24), config.keys().defaultExpiresIn());
        assertEquals(Duration.ofDays(30), config.keys().maxExpiresIn());
        assertEquals(1024 * 1024, config.limits().maxBodyBytes());
        assertFalse(config.toString().contains("TOPSECRET"), "secrets are masked in toString");
        assertFalse(config.toString().contains("db-pass-123"));
        assertFalse(config.toString().contains("pepper-0123456789"));
    }

    @Test
    void defaultsInPlaceholdersApplyWhenTheVariableIsUnset() {
        KeywardConfig config = loader.parse(VALID.replace("${DB_PASSWORD}", "${NOT_SET:-fallback-pw}"));
        assertEquals("fallback-pw", config.database().password().reveal());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "unset variable          | ${STRIPE_SECRET_KEY}                              | ${MISSING_SECRET}                 | vendors.stripe.secret: environment variable MISSING_SECRET is not set",
            "unknown top-level key   | 'vendors:'                                        | 'colour: blue\nvendors:'          | colour: unknown key",
            "unknown nested key      | 'base_url:'                                       | 'base_uri:'                       | vendors.stripe.base_uri: unknown key",
            "bad URL                 | https://api.stripe.com/                           | ftp://api.stripe.com              | vendors.stripe.base_url: must be an http(s) URL",
            "URL with a query        | https://api.stripe.com/                           | https://api.stripe.com/?x=1       | vendors.stripe.base_url: must be an http(s) URL",
            "short pepper            | ${PEPPER}                                         | short                             | security.key_pepper: must be at least 32 characters",
            "bad admin hash          | " + "a" + "                                       | x                                 | security.admin_token_sha256: must be the SHA-256",
            "non-MariaDB URL         | jdbc:mariadb://127.0.0.1:3306/keyward             | jdbc:postgresql://h/db            | database.url: must be a MariaDB URL",
    })
    void invalidConfigNamesTheKeyAndNeverTheValue(String name, String find, String replace, String message) {
        String yaml = name.equals("bad admin hash") ? VALID.replace(HASH, "xyz") : VALID.replace(find.strip(), replace.strip().replace("\\n", "\n"));
        ConfigException e = assertThrows(ConfigException.class, () -> loader.parse(yaml));
        assertTrue(e.getMessage().startsWith(message), e.getMessage());
        assertFalse(e.getMessage().contains("TOPSECRET"));
    }

    @Test
    void wrongTypesNameTheKey() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> loader.parse(VALID.replace("user: keyward", "user: keyward\n  pool_size: many")));
        assertTrue(e.getMessage().startsWith("database.pool_size: has the wrong type"), e.getMessage());
        ConfigException zero = assertThrows(ConfigException.class,
                () -> loader.parse(VALID.replace("user: keyward", "user: keyward\n  pool_size: 0")));
        assertTrue(zero.getMessage().startsWith("database.pool_size: must be between"), zero.getMessage());
        assertEquals(Duration.ofSeconds(7), loader.parse(VALID.replace("user: keyward", "user: keyward\n  retry_deadline: 7s"))
                .database().retryDeadline());
        for (String deadline : new String[] {"0s", "61s"}) {
            ConfigException outside = assertThrows(ConfigException.class,
                    () -> loader.parse(VALID.replace("user: keyward", "user: keyward\n  retry_deadline: " + deadline)));
            assertTrue(outside.getMessage().startsWith("database.retry_deadline: must be greater than zero"), outside.getMessage());
        }
        ConfigException duration = assertThrows(ConfigException.class,
                () -> loader.parse(VALID + "keys:\n  default_expires_in: forever\n"));
        assertTrue(duration.getMessage().startsWith("keys.default_expires_in: must be a duration"), duration.getMessage());
    }

    @Test
    void missingSectionsAreRequired() {
        ConfigException e = assertThrows(ConfigException.class, () -> loader.parse("vendors: {}\n"));
        assertTrue(e.getMessage().startsWith("database: is required"), e.getMessage());
        assertThrows(ConfigException.class, () -> loader.parse("- a\n- b\n"));
        assertThrows(ConfigException.class, () -> loader.parse("database: [unclosed\n"));
    }

    @Test
    void secretsCanComeFromFiles(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("stripe.key");
        Files.writeString(file, "sk_live_from_file\n");
        KeywardConfig config = loader.parse(VALID.replace("secret: ${STRIPE_SECRET_KEY}", "secret_file: " + file));
        assertEquals("sk_live_from_file", config.vendors().get("stripe").secret().reveal());

        ConfigException both = assertThrows(ConfigException.class,
                () -> loader.parse(VALID.replace("secret: ${STRIPE_SECRET_KEY}", "secret: x\n    secret_file: " + file)));
        assertTrue(both.getMessage().startsWith("vendors.stripe.secret: set either"), both.getMessage());
        ConfigException missing = assertThrows(ConfigException.class,
                () -> loader.parse(VALID.replace("secret: ${STRIPE_SECRET_KEY}", "secret_file: " + dir.resolve("nope"))));
        assertTrue(missing.getMessage().startsWith("vendors.stripe.secret_file: cannot read"), missing.getMessage());
    }

    @Test
    void vendorsMustBeKnownAndComplete() {
        KeywardConfig paypal = loader.parse(VALID.replace("  stripe:", "  paypal:"));
        ConfigException unknown = assertThrows(ConfigException.class, () -> VendorRegistry.fromConfig(paypal.vendors(), paypal.spend()));
        assertTrue(unknown.getMessage().startsWith("vendors.paypal: unknown vendor"), unknown.getMessage());
        KeywardConfig twilio = loader.parse(VALID.replace("  stripe:", "  twilio:"));
        ConfigException sid = assertThrows(ConfigException.class, () -> VendorRegistry.fromConfig(twilio.vendors(), twilio.spend()));
        assertTrue(sid.getMessage().startsWith("vendors.twilio.account_sid: is required"), sid.getMessage());
    }

    @Test
    void containerOverridesReplaceFileValuesAndAreCheckedLikeFileKeys() {
        KeywardConfig config = loader.parse(VALID, Map.of(
                "database.url", "jdbc:mariadb://db.internal:3307/kw", "database.password", "from-ini-456"));
        assertEquals("jdbc:mariadb://db.internal:3307/kw", config.database().url());
        assertEquals("from-ini-456", config.database().password().reveal());
        assertEquals("keyward", config.database().user(), "keys not overridden keep the file's value");

        KeywardConfig noDatabaseInFile = loader.parse(VALID.replaceAll("(?s)database:.*?security:", "security:"),
                Map.of("database.url", "jdbc:mariadb://127.0.0.1/kw", "database.user", "u"));
        assertEquals("u", noDatabaseInFile.database().user(), "an override creates the section the file leaves out");

        ConfigException typo = assertThrows(ConfigException.class,
                () -> loader.parse(VALID, Map.of("database.pasword", "x-secret-x")));
        assertTrue(typo.getMessage().startsWith("database.pasword: unknown key"), typo.getMessage());
        assertFalse(typo.getMessage().contains("x-secret-x"));
        ConfigException notMapping = assertThrows(ConfigException.class,
                () -> loader.parse(VALID, Map.of("database.url.host", "h")));
        assertTrue(notMapping.getMessage().startsWith("database.url.host: cannot be set"), notMapping.getMessage());
    }

    @Test
    void containerOverridesSetVendorsAndReadSecretsFromTheEnvironment() {
        KeywardConfig config = loader.parse(VALID, Map.of(
                "vendors.stripe.base_url", "http://127.0.0.1:9999",
                "vendors.resend.base_url", "https://api.resend.com", "vendors.resend.secret", "${STRIPE_SECRET_KEY}"));
        assertEquals("http://127.0.0.1:9999", config.vendors().get("stripe").baseUrl().toString());
        assertEquals("sk_live_TOPSECRET_value", config.vendors().get("resend").secret().reveal(),
                "an override's ${NAME} is read from the environment, as in the file");
        ConfigException unset = assertThrows(ConfigException.class,
                () -> loader.parse(VALID, Map.of("vendors.stripe.secret", "${NOT_SET_ANYWHERE}")));
        assertTrue(unset.getMessage().startsWith("vendors.stripe.secret: environment variable NOT_SET_ANYWHERE is not set"),
                unset.getMessage());
    }
}
