package io.keyward.forward;

import java.io.ByteArrayOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/** Keeps the first bytes of a streamed response body, so they can be read after the agent has them. */
final class BodyCopy {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final int limit;

    BodyCopy(int limit) {
        this.limit = limit;
    }

    OutputStream tee(OutputStream out) {
        return new FilterOutputStream(out) {
            @Override
            public void write(int b) throws IOException {
                out.write(b);
                keep(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                out.write(b, off, len);
                keep(b, off, len);
            }
        };
    }

    private void keep(byte[] b, int off, int len) {
        int room = limit - bytes.size();
        if (room > 0) {
            bytes.write(b, off, Math.min(room, len));
        }
    }

    byte[] bytes() {
        return bytes.toByteArray();
    }
}
