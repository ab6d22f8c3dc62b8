package io.keyward.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Sends bytes exactly as written over a plain socket and reads one HTTP/1.1 response: replays
 * captured SDK traffic without a client library normalising the headers.
 */
public final class RawHttp {
    private RawHttp() {
    }

    /**
     * A parsed response. Header names keep their case; lookups ignore it.
     *
     * @param complete false when the connection ended (or was reset) before the body its headers
     *     announced: fewer bytes than {@code Content-Length}, or chunks without their last one
     */
    public record Response(int status, List<String[]> headers, byte[] body, boolean complete) {
        public String header(String name) {
            for (String[] h : headers) {
                if (h[0].equalsIgnoreCase(name)) {
                    return h[1];
                }
            }
            return null;
        }

        public String bodyText() {
            return new String(body, StandardCharsets.UTF_8);
        }

        /** Status line, headers and body as one string, for "never contains" assertions. */
        public String everything() {
            StringBuilder sb = new StringBuilder().append(status).append('\n');
            headers.forEach(h -> sb.append(h[0]).append(": ").append(h[1]).append('\n'));
            return sb.append(bodyText()).toString();
        }
    }

    public static Response send(int port, byte[] request) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
            socket.setSoTimeout(20_000);
            OutputStream out = socket.getOutputStream();
            try {
                out.write(request);
                out.flush();
            } catch (IOException e) {
                // The server may answer and close before reading a large body; its answer is still there to read.
            }
            return read(socket.getInputStream());
        }
    }

    /** Reads one response from a connection the caller wrote its request to itself. */
    public static Response read(InputStream in) throws IOException {
        String statusLine = line(in);
        String[] parts = statusLine.split(" ", 3);
        int status = Integer.parseInt(parts[1]);
        List<String[]> headers = new ArrayList<>();
        for (String line = line(in); !line.isEmpty(); line = line(in)) {
            int colon = line.indexOf(':');
            headers.add(new String[] {line.substring(0, colon).strip(), line.substring(colon + 1).strip()});
        }
        Response head = new Response(status, headers, new byte[0], false);
        String length = head.header("Content-Length");
        String encoding = head.header("Transfer-Encoding");
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        boolean complete;
        try {
            if (encoding != null && encoding.toLowerCase(Locale.ROOT).contains("chunked")) {
                complete = chunked(in, body);
            } else if (length != null) {
                int declared = Integer.parseInt(length);
                body.write(in.readNBytes(declared));
                complete = body.size() == declared;
            } else {
                // Delimited by the end of the connection: nothing tells a cut from the end.
                body.write(in.readAllBytes());
                complete = true;
            }
        } catch (java.net.SocketException e) {
            // A reset while the body arrives: what came is kept, and the answer is incomplete.
            complete = false;
        }
        return new Response(status, headers, body.toByteArray(), complete);
    }

    /** @return false when the connection ended before the last chunk */
    private static boolean chunked(InputStream in, ByteArrayOutputStream out) throws IOException {
        while (true) {
            String sizeLine = line(in);
            if (sizeLine.isEmpty()) {
                return false;
            }
            int size = Integer.parseInt(sizeLine.split(";")[0].strip(), 16);
            if (size == 0) {
                while (!line(in).isEmpty()) {
                    // trailers
                }
                return true;
            }
            byte[] chunk = in.readNBytes(size);
            out.write(chunk);
            if (chunk.length < size || !line(in).isEmpty()) {
                return false;
            }
        }
    }

    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != -1 && b != '\n') {
            if (b != '\r') {
                buf.write(b);
            }
        }
        return buf.toString(StandardCharsets.ISO_8859_1);
    }
}
