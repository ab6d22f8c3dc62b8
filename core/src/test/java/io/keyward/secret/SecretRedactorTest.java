package io.keyward.secret;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.keyward.config.Secret;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class SecretRedactorTest {
    private static final String SECRET = "sk_live_ABCDEFGHIJKLMNOPQRSTUV";
    private final SecretRedactor redactor = new SecretRedactor(List.of(Secret.of(SECRET)));

    @Test
    void aSecretSplitAcrossWritesAtAnyPointIsMasked() throws Exception {
        String text = "{\"message\":\"Invalid API Key provided: " + SECRET + "\",\"tail\":\"ok\"}";
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        for (int cut = 0; cut <= bytes.length; cut++) {
            ByteArrayOutputStream sink = new ByteArrayOutputStream();
            OutputStream out = redactor.redacting(sink);
            out.write(bytes, 0, cut);
            out.write(bytes, cut, bytes.length - cut);
            out.flush();
            String result = sink.toString(StandardCharsets.UTF_8);
            assertEquals(bytes.length, result.length(), "same length, so Content-Length stays true");
            assertFalse(result.contains("ABCDEFGH"), "cut at " + cut + ": " + result);
            assertEquals(text.replace(SECRET, "*".repeat(SECRET.length())), result);
        }
    }

    @Test
    void piecesOfEightOrMoreAreMaskedShorterOnesAreNot() throws Exception {
        assertEquals("key ******** end", redactor.redact("key IJKLMNOP end"));
        assertEquals("key IJKLMNO end", redactor.redact("key IJKLMNO end"), "seven characters say nothing");
        assertEquals("Bearer ********____", redactor.redact("Bearer sk_live_____"), "even the prefix is 8 characters of the secret");
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        OutputStream out = redactor.redacting(sink);
        for (byte b : "x=MNOPQRSTUV;".getBytes(StandardCharsets.UTF_8)) {
            out.write(b);
        }
        out.flush();
        assertEquals("x=**********;", sink.toString(StandardCharsets.UTF_8));
    }
}
