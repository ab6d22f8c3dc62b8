package io.keyward.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One request captured byte for byte from a vendor SDK (test resources {@code vendor-traffic/}),
 * and the reply the capture server gave it.
 */
public record Capture(String name, String requestLine, List<String[]> headers, byte[] body,
                      int replyStatus, List<String[]> replyHeaders, byte[] replyBody) {

    public static Capture load(String name) throws IOException {
        Message request = Message.parse(resource("vendor-traffic/" + name + ".http"));
        Message reply = Message.parse(resource("vendor-traffic/" + name + ".response.http"));
        return new Capture(name, request.startLine, request.headers, request.body,
                Integer.parseInt(reply.startLine.split(" ")[1]), reply.headers, reply.body);
    }

    /**
     * One row of {@code vendor-traffic/index.txt}: a capture, the catalog operation it is, policy
     * params that forbid it, and the rule (below {@code allow[0].params.}) that must then refuse it.
     */
    public record Case(String name, String operation, String forbiddingParams, String forbiddingRule) {
        @Override
        public String toString() {
            return name;
        }
    }

    /** Every capture, in order. */
    public static List<Case> all() throws IOException {
        List<Case> cases = new ArrayList<>();
        for (String line : new String(resource("vendor-traffic/index.txt"), StandardCharsets.UTF_8).split("\n")) {
            if (!line.isBlank() && !line.startsWith("#")) {
                String[] f = line.split("\t");
                cases.add(new Case(f[0], f[1], f[2], f[3]));
            }
        }
        return cases;
    }

    public String method() {
        return requestLine.split(" ")[0];
    }

    /** The request target as captured, e.g. {@code /stripe/v1/payment_intents?expand[0]=x}. */
    public String target() {
        return requestLine.split(" ")[1];
    }

    public String header(String name) {
        return headers.stream().filter(h -> h[0].equalsIgnoreCase(name)).map(h -> h[1]).findFirst().orElse(null);
    }

    /**
     * The captured bytes with Authorization set to {@code authorization} (or removed when null), the
     * Host pointed at the gateway, and {@code Connection: close} so the reply ends with the socket.
     */
    public byte[] replayBytes(String authorization, int port) {
        StringBuilder head = new StringBuilder(requestLine).append("\r\n");
        for (String[] h : headers) {
            String lower = h[0].toLowerCase(java.util.Locale.ROOT);
            if (lower.equals("authorization")) {
                if (authorization != null) {
                    head.append(h[0]).append(": ").append(authorization).append("\r\n");
                }
            } else if (lower.equals("host")) {
                head.append(h[0]).append(": 127.0.0.1:").append(port).append("\r\n");
            } else if (lower.equals("connection")) {
                head.append(h[0]).append(": close\r\n");
            } else {
                head.append(h[0]).append(": ").append(h[1]).append("\r\n");
            }
        }
        head.append("\r\n");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(head.toString().getBytes(StandardCharsets.UTF_8));
        out.writeBytes(body);
        return out.toByteArray();
    }

    private static byte[] resource(String path) throws IOException {
        try (InputStream in = Capture.class.getClassLoader().getResourceAsStream(path)) {
            if (in == null) {
                throw new IOException("missing test resource " + path);
            }
            return in.readAllBytes();
        }
    }

    private record Message(String startLine, List<String[]> headers, byte[] body) {
        static Message parse(byte[] raw) {
            int end = indexOf(raw, "\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            if (end < 0) {
                throw new IllegalArgumentException("capture has no header end");
            }
            String[] lines = new String(raw, 0, end, StandardCharsets.UTF_8).split("\r\n");
            List<String[]> headers = new ArrayList<>();
            for (int i = 1; i < lines.length; i++) {
                int colon = lines[i].indexOf(':');
                headers.add(new String[] {lines[i].substring(0, colon), lines[i].substring(colon + 1).strip()});
            }
            return new Message(lines[0], headers, Arrays.copyOfRange(raw, end + 4, raw.length));
        }

        private static int indexOf(byte[] data, byte[] needle) {
            outer:
            for (int i = 0; i + needle.length <= data.length; i++) {
                for (int j = 0; j < needle.length; j++) {
                    if (data[i + j] != needle[j]) {
                        continue outer;
                    }
                }
                return i;
            }
            return -1;
        }
    }
}
