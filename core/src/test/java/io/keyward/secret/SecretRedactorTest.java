package io.keyward.secret;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.keyward.config.Secret;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SecretRedactorTest {
    private static final String SECRET = "sk_live_ABCDEFGHIJKLMNOPQRSTUV";
    /** A Stripe-shaped key: public prefix, then 99 random characters. */
    private static final String LONG = "sk_test_" + random(99, 7);
    private static final String SID = "AC11111111111111111111111111111111";
    private static final String TOKEN = "f3a9c2e71b8d4f60a5e2c9b7d1f48e3a";
    private static final String BASIC = "Basic " + Base64.getEncoder().encodeToString((SID + ":" + TOKEN).getBytes(StandardCharsets.UTF_8));
    private final SecretRedactor redactor = redactorOf();

    private static SecretRedactor redactorOf() {
        SecretRedactor r = new SecretRedactor(List.of(Secret.of(SECRET), Secret.of(LONG)));
        r.add(Secret.of(TOKEN), BASIC);
        return r;
    }

    private static String random(int n, long seed) {
        String alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
        Random r = new Random(seed);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            sb.append(alphabet.charAt(r.nextInt(alphabet.length())));
        }
        return sb.toString();
    }

    private String streamed(String text, int chunk) throws Exception {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        OutputStream out = redactor.redacting(sink);
        for (int i = 0; i < bytes.length; i += chunk) {
            out.write(bytes, i, Math.min(chunk, bytes.length - i));
        }
        out.flush();
        return sink.toString(StandardCharsets.UTF_8);
    }

    @Test
    void aSecretSplitAcrossWritesAtAnyPointIsMaskedWhole() throws Exception {
        String text = "{\"message\":\"Invalid API Key provided: " + SECRET + "\",\"tail\":\"ok\"}";
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        for (int cut = 0; cut <= bytes.length; cut++) {
            ByteArrayOutputStream sink = new ByteArrayOutputStream();
            OutputStream out = redactor.redacting(sink);
            out.write(bytes, 0, cut);
            out.write(bytes, cut, bytes.length - cut);
            out.flush();
            String result = sink.toString(StandardCharsets.UTF_8);
            assertEquals(text.replace(SECRET, "*".repeat(SECRET.length())), result, "cut at " + cut);
        }
        assertEquals("x" + "*".repeat(LONG.length()) + "y", streamed("x" + LONG + "y", 1), "byte by byte");
    }

    @Test
    void piecesShorterThanATileAndThePublicPrefixTeachNothing() {
        String fragment = LONG.substring(0, 8 + SecretRedactor.TILE - 1);
        assertEquals("key " + fragment + " end", redactor.redact("key " + fragment + " end"), "one character short of a tile");
        assertEquals("Bearer sk_test_ sk_live_ABCDEFGHIJK", redactor.redact("Bearer sk_test_ sk_live_ABCDEFGHIJK"));
        // The candidates an oracle attack plants: the known prefix and every next character.
        StringBuilder planted = new StringBuilder();
        for (char c : "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".toCharArray()) {
            planted.append(LONG, 1, 8).append(c).append('-').append(LONG, 0, 8).append(LONG, 8, 20).append(c).append('-');
        }
        assertEquals(planted.toString(), redactor.redact(planted.toString()), "nothing planted is masked, so nothing is learnt");
    }

    @Test
    void anyTileOfTheRandomPartMasksTheWholeSpanOfTheSecret() {
        String tile = LONG.substring(LONG.length() - SecretRedactor.TILE);
        String text = "echo:" + LONG.substring(LONG.length() - 40) + ":end";
        String masked = redactor.redact(text);
        assertFalse(masked.contains(tile));
        assertEquals("*".repeat(45) + ":end", masked, "the span the whole secret would cover is masked, whatever it holds");
        assertEquals(":end", redactor.redact("x" + tile + ":end").substring(1 + SecretRedactor.TILE));
    }

    @Test
    void anyRunOfTwentyNineCharactersOfTheRandomPartIsMasked() {
        for (String secret : List.of(LONG, TOKEN)) {
            int start = secret.startsWith("sk_") ? 8 : 0;
            for (int from = start; from + 29 <= secret.length(); from++) {
                String run = secret.substring(from, from + 29);
                assertFalse(redactor.redact("[" + run + "]").contains(run.substring(12, 24)), "run at " + from);
            }
        }
    }

    @Test
    void everySpellingKeywardSendsIsMasked() throws Exception {
        String token = BASIC.substring("Basic ".length());
        for (String echoed : List.of(
                "Authorization: " + BASIC,
                "{\"auth\":\"" + token.replace("/", "\\/") + "\"}",
                "{\"key\":\"" + jsonEscaped(LONG, true) + "\"}",
                "{\"key\":\"" + jsonEscaped(LONG, false) + "\"}",
                "api_key=" + TOKEN + "&x=1")) {
            String masked = streamed(echoed, 7);
            assertEquals(echoed.length(), masked.length(), "same length, so Content-Length stays true");
            assertFalse(masked.contains(TOKEN) || masked.contains(token.substring(20, 40)) || masked.contains(LONG.substring(60, 80))
                    || masked.contains(jsonEscaped(LONG, true).substring(200, 260)), echoed + " -> " + masked);
        }
        assertFalse(redactor.redact("X-" + TOKEN + ": 1").contains(TOKEN), "a header name too");
    }

    @Test
    void spellingsAVendorMayWriteAreMaskedToo() throws Exception {
        Base64.Encoder standard = Base64.getEncoder();
        Base64.Encoder urlSafe = Base64.getUrlEncoder();
        for (String spelling : List.of(
                TOKEN.toUpperCase(java.util.Locale.ROOT),
                LONG.toUpperCase(java.util.Locale.ROOT),
                LONG.toLowerCase(java.util.Locale.ROOT),
                standard.encodeToString(LONG.getBytes(StandardCharsets.UTF_8)),
                standard.encodeToString((LONG + ":").getBytes(StandardCharsets.UTF_8)),
                urlSafe.encodeToString((LONG + ":").getBytes(StandardCharsets.UTF_8)),
                standard.encodeToString(TOKEN.getBytes(StandardCharsets.UTF_8)))) {
            String echoed = "{\"echo\":\"" + spelling + "\"}";
            String masked = streamed(echoed, 5);
            assertEquals("{\"echo\":\"" + "*".repeat(spelling.length()) + "\"}", masked, spelling);
        }
    }

    @Test
    void theBasicCredentialOfAShortSecretIsMaskedWhole() {
        String shortSecret = "tok_abcdefghij0123456789"; // 20 characters after its public prefix
        String encoded = Base64.getEncoder().encodeToString((SID + ":" + shortSecret).getBytes(StandardCharsets.UTF_8));
        SecretRedactor r = new SecretRedactor(List.of());
        r.add(Secret.of(shortSecret), "Basic " + encoded);
        // The span masked is where the whole "Basic ..." value would lie, so it reaches back over "[" too.
        assertEquals("*".repeat(1 + encoded.length()) + "]", r.redact("[" + encoded + "]"));
    }

    @Test
    void aLongPartialEchoIsMaskedEvenWithNoTileAtItsEnds() {
        // 30 of the token's 32 characters, one off each end: a tile lies inside it all the same.
        String partial = TOKEN.substring(1, 31);
        assertFalse(redactor.redact("hint " + partial).contains(partial.substring(0, 20)));
    }

    private static String jsonEscaped(String text, boolean upperHex) {
        StringBuilder sb = new StringBuilder();
        for (char c : text.toCharArray()) {
            String hex = String.format("%04X", (int) c);
            sb.append("\\u").append(upperHex ? hex : hex.toLowerCase());
        }
        return sb.toString();
    }
}
