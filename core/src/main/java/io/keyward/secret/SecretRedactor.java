package io.keyward.secret;

import io.keyward.config.Secret;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collection;
import java.util.Set;

/**
 * Masks the real vendor secrets in what a vendor sends back, before it reaches the agent: any run
 * of {@value #MIN_RUN} or more bytes that also occurs in a configured secret becomes {@code *}s of the
 * same length (Stripe, for one, quotes part of a bad key in its error message). Same length, so
 * {@code Content-Length} stays true and the body can still be streamed: only the last
 * {@value #MIN_RUN}&minus;1 bytes are ever held back.
 */
public final class SecretRedactor {
    static final int MIN_RUN = 8;
    private final Set<Long> windows = java.util.concurrent.ConcurrentHashMap.newKeySet();

    public SecretRedactor(Collection<Secret> secrets) {
        secrets.forEach(this::add);
    }

    /** Masks this secret too from now on (a rotated-in one; the old one stays masked). */
    public void add(Secret secret) {
        byte[] bytes = secret.reveal().getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i + MIN_RUN <= bytes.length; i++) {
            windows.add(window(bytes, i));
        }
    }

    /** A header value (or any text) with secret runs masked. */
    public String redact(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        return mask(bytes, bytes.length) ? new String(bytes, StandardCharsets.UTF_8) : text;
    }

    /** Wraps the stream to the agent so every byte written through it is checked first. */
    public OutputStream redacting(OutputStream out) {
        return new Redacting(out);
    }

    /** Masks, in place, every secret run that lies wholly inside the first {@code length} bytes. @return whether any */
    private boolean mask(byte[] bytes, int length) {
        boolean[] hit = hits(bytes, length);
        if (hit == null) {
            return false;
        }
        apply(bytes, hit, length);
        return true;
    }

    /** Which bytes belong to a secret run, or null when none do. */
    private boolean[] hits(byte[] bytes, int length) {
        boolean[] hit = null;
        for (int i = 0; i + MIN_RUN <= length; i++) {
            if (windows.contains(window(bytes, i))) {
                if (hit == null) {
                    hit = new boolean[length];
                }
                Arrays.fill(hit, i, i + MIN_RUN, true);
            }
        }
        return hit;
    }

    private static void apply(byte[] bytes, boolean[] hit, int length) {
        for (int i = 0; i < length; i++) {
            if (hit[i]) {
                bytes[i] = '*';
            }
        }
    }

    private static long window(byte[] bytes, int from) {
        long w = 0;
        for (int i = 0; i < MIN_RUN; i++) {
            w = (w << 8) | (bytes[from + i] & 0xff);
        }
        return w;
    }

    private final class Redacting extends FilterOutputStream {
        /** The tail not yet sent, as received, since a secret run could continue into the next write. */
        private byte[] pending = new byte[0];
        /** Which of the pending bytes an earlier write already found inside a secret run. */
        private boolean[] pendingHits = new boolean[0];

        Redacting(OutputStream out) {
            super(out);
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            byte[] all = Arrays.copyOf(pending, pending.length + len);
            System.arraycopy(b, off, all, pending.length, len);
            boolean[] hit = hits(all, all.length);
            if (hit == null) {
                hit = new boolean[all.length];
            }
            for (int i = 0; i < pendingHits.length; i++) {
                hit[i] |= pendingHits[i];
            }
            int keep = Math.min(MIN_RUN - 1, all.length);
            int send = all.length - keep;
            pending = Arrays.copyOfRange(all, send, all.length);
            pendingHits = Arrays.copyOfRange(hit, send, all.length);
            apply(all, hit, send);
            out.write(all, 0, send);
        }

        @Override
        public void flush() throws IOException {
            apply(pending, pendingHits, pending.length);
            out.write(pending);
            pending = new byte[0];
            pendingHits = new boolean[0];
            out.flush();
        }

        @Override
        public void close() throws IOException {
            flush();
        }
    }
}
