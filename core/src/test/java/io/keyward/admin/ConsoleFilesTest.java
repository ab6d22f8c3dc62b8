package io.keyward.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keyward.testing.GatewayExtension;
import io.keyward.testing.RawHttp;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The operator console's files at /admin/ui/: exactly three, with their content types and a strict
 * CSP, served without a token, and nothing else reachable through their folder. (What the page does
 * in a browser: ConsoleBrowserTest, profile "browser".)
 */
class ConsoleFilesTest {
    @RegisterExtension
    static final GatewayExtension gw = new GatewayExtension();

    private final HttpClient http = HttpClient.newHttpClient();

    @ParameterizedTest(name = "{0}")
    @CsvSource({
            "/admin/ui/,               text/html; charset=utf-8,       <!doctype html>",
            "/admin/ui/console.js,     text/javascript; charset=utf-8, 'use strict'",
            "/admin/ui/console.css,    text/css; charset=utf-8,        #confirm"})
    void servesEachFileWithItsTypeAndTheHeadersThatKeepDataInert(String path, String type, String content) throws Exception {
        HttpResponse<String> reply = get(path);
        assertEquals(200, reply.statusCode(), "no token needed: the files hold no data");
        assertEquals(type, reply.headers().firstValue("Content-Type").orElse("").toLowerCase().replace(";charset", "; charset"));
        assertEquals(ConsoleFiles.CSP, reply.headers().firstValue("Content-Security-Policy").orElse(null));
        assertTrue(ConsoleFiles.CSP.contains("default-src 'none'") && ConsoleFiles.CSP.contains("script-src 'self'")
                && ConsoleFiles.CSP.contains("frame-ancestors 'none'") && ConsoleFiles.CSP.contains("form-action 'none'"));
        assertEquals("nosniff", reply.headers().firstValue("X-Content-Type-Options").orElse(null));
        assertEquals("no-referrer", reply.headers().firstValue("Referrer-Policy").orElse(null));
        assertEquals("no-store", reply.headers().firstValue("Cache-Control").orElse(null));
        assertTrue(reply.body().contains(content), reply.body());
    }

    @Test
    void theFolderWithoutItsSlashRedirectsToIt() throws Exception {
        HttpResponse<String> reply = get("/admin/ui");
        assertEquals(302, reply.statusCode());
        assertTrue(reply.headers().firstValue("Location").orElse("").endsWith("/admin/ui/"));
    }

    @Test
    void onlyGetAndHeadReadTheFiles() throws Exception {
        HttpResponse<String> post = http.send(HttpRequest.newBuilder(URI.create(gw.gateway().baseUrl() + "/admin/ui/"))
                .POST(HttpRequest.BodyPublishers.ofString("x")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(405, post.statusCode());
        HttpResponse<String> head = http.send(HttpRequest.newBuilder(URI.create(gw.gateway().baseUrl() + "/admin/ui/console.js"))
                .method("HEAD", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, head.statusCode());
        assertEquals("", head.body());
    }

    /**
     * Paths that name no console file, in plain, encoded, double-encoded and backslash spellings of
     * {@code ../}: none answers 200 with anything, and none hands out a class, a config or another
     * resource of the jar. (Spellings the server itself normalises into an admin route meet that
     * route's token check.)
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
            "/admin/ui/../../WEB-INF/web.xml",
            "/admin/ui/%2e%2e/%2e%2e/io/keyward/admin/AdminServlet.class",
            "/admin/ui/%2E%2E/AdminServlet.class",
            "/admin/ui/..%2fAdminServlet.class",
            "/admin/ui/..%2F..%2Fio%2Fkeyward%2Fadmin%2FAdminServlet.class",
            "/admin/ui/%2e%2e%2f%2e%2e%2fio/keyward/store/migrations/V1__schema.sql",
            "/admin/ui/..%5cAdminServlet.class",
            "/admin/ui/..\\AdminServlet.class",
            "/admin/ui/%252e%252e/AdminServlet.class",
            "/admin/ui/..;/keys",
            "/admin/ui/index.html",
            "/admin/ui/ui/console.js",
            "/admin/ui/console.js%00",
            "/admin/ui/console.js/",
            "/admin/ui/CONSOLE.JS",
            "/admin/ui/.%2fconsole.js",
            "/admin/ui/../keys",
            "/admin/ui/%2e%2e/keys"})
    void nothingButTheConsoleFilesIsServed(String path) throws Exception {
        RawHttp.Response reply = RawHttp.send(gw.port(), ("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
                .getBytes(StandardCharsets.ISO_8859_1));
        assertNotEquals(200, reply.status(), path + " answered " + reply.everything());
        assertTrue(reply.status() >= 400 && reply.status() < 500, path + " answered " + reply.status());
        String body = reply.bodyText();
        for (String leak : List.of("io/keyward", "CREATE TABLE", "<!doctype", "'use strict'", "\"items\"", "web-app")) {
            assertFalse(body.contains(leak), path + " leaked " + leak + ": " + body);
        }
    }

    /**
     * The page renders agent-chosen text; the guard is in its code as much as in the CSP: no inline
     * script, style or event handler in the page, and no HTML-parsing sink in the script.
     */
    @Test
    void thePageHasNoInlineCodeAndTheScriptNoHtmlSinks() throws IOException {
        String page = resource("index.html");
        assertFalse(Pattern.compile("<script(?![^>]*\\bsrc=)", Pattern.CASE_INSENSITIVE).matcher(page).find(), "no inline <script>");
        assertFalse(Pattern.compile("<style|\\sstyle=|\\son[a-z]+=|javascript:", Pattern.CASE_INSENSITIVE).matcher(page).find(),
                "no inline style or handler");
        String script = resource("console.js");
        for (String sink : List.of("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "new Function",
                "setAttribute('on", "srcdoc", "createContextualFragment", "DOMParser", "localStorage", "document.cookie")) {
            assertFalse(script.contains(sink), "console.js uses " + sink);
        }
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = ConsoleFiles.class.getResourceAsStream("ui/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(gw.gateway().baseUrl() + path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
