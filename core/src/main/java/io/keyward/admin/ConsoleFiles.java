package io.keyward.admin;

import io.keyward.decision.ErrorReply;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * The operator console's static files, {@code /admin/ui/}: one page, its script and its style, read
 * from the jar once. They hold no data (every value on the page comes from the admin API, with the
 * token in a header), so serving them needs no token; like the admin API they answer only callers
 * the admin API answers. Only the names below exist: a request path is looked up, never resolved
 * against a folder, so {@code ../} in any spelling finds nothing.
 */
final class ConsoleFiles {
    /**
     * The page runs only its own script and style from this origin and talks only to this origin;
     * nothing may frame it, and it has no forms to submit. Data rendered as HTML by mistake could
     * still not run (no inline script, no event-handler attributes) nor load anything from elsewhere.
     */
    static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
            + "img-src 'self'; base-uri 'none'; frame-ancestors 'none'; form-action 'none'";

    private record File(String contentType, byte[] bytes) {
    }

    private static final Map<String, File> FILES = Map.of(
            "/ui/", load("index.html", "text/html; charset=utf-8"),
            "/ui/console.js", load("console.js", "text/javascript; charset=utf-8"),
            "/ui/console.css", load("console.css", "text/css; charset=utf-8"));

    private ConsoleFiles() {
    }

    /** Whether the path (below {@code /admin}) is the console's: it is answered here, file or 404. */
    static boolean owns(String path) {
        return path.equals("/ui") || path.startsWith("/ui/");
    }

    static void serve(String method, String path, HttpServletRequest request, HttpServletResponse response,
                      String requestId) throws IOException {
        if (!method.equals("GET") && !method.equals("HEAD")) {
            response.setHeader("Allow", "GET, HEAD");
            ErrorReply.write(response, 405, "method_not_allowed", "the console's files are read with GET", null, requestId);
            return;
        }
        if (path.equals("/ui")) {
            // Relative to the servlet, so it holds under any context path; the browser keeps a #token= fragment.
            response.sendRedirect(request.getContextPath() + request.getServletPath() + "/ui/");
            return;
        }
        File file = FILES.get(path);
        if (file == null) {
            ErrorReply.write(response, 404, "not_found", "no such console file", null, requestId);
            return;
        }
        response.setStatus(200);
        response.setContentType(file.contentType());
        response.setHeader("Content-Security-Policy", CSP);
        response.setHeader("X-Content-Type-Options", "nosniff");
        response.setHeader("Referrer-Policy", "no-referrer");
        response.setContentLength(file.bytes().length);
        if (method.equals("GET")) {
            response.getOutputStream().write(file.bytes());
        }
    }

    private static File load(String name, String contentType) {
        try (InputStream in = ConsoleFiles.class.getResourceAsStream("ui/" + name)) {
            if (in == null) {
                throw new IllegalStateException("console file missing from the jar: " + name);
            }
            return new File(contentType, in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
