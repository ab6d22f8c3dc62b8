package io.keyward.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import io.keyward.testing.AdminClient;
import io.keyward.testing.GatewayExtension;
import io.keyward.testing.TestSecrets;
import java.io.File;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * The operator console in a real headless Chromium (Debian's chromium and chromium-driver, named
 * explicitly so Selenium Manager never downloads anything) against a real gateway: keys, calls with
 * refusals highlighted, spend, a revoke with its confirmation, and agent-chosen text that tries to
 * run script and must appear as the text it is. Profile "browser": {@code mvn -B verify -Pbrowser -pl core}.
 */
@Tag("browser")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class) // the screenshot is taken on a gateway only the first test has used
class ConsoleBrowserTest {
    @RegisterExtension
    static final GatewayExtension gw = new GatewayExtension();

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(20);

    /** Requests that reached the marker server: any would mean planted script ran (or loaded) in the page. */
    private static final List<String> markerHits = new CopyOnWriteArrayList<>();
    private static HttpServer marker;
    private static ChromeDriver browser;
    private static String img;
    private static String script;

    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws Exception {
        marker = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        marker.createContext("/", exchange -> {
            markerHits.add(exchange.getRequestURI().toString());
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        marker.start();
        String markerUrl = "http://127.0.0.1:" + marker.getAddress().getPort();
        // Each payload would set a window variable and call the marker server if it ever ran.
        img = "<img src=x onerror=\"window.kwPwned='img';fetch('" + markerUrl + "/img')\">";
        script = "</script><script>window.kwPwned='script';fetch('" + markerUrl + "/script')</script>";

        String driverPath = System.getProperty("keyward.chromedriver", "/usr/bin/chromedriver");
        System.setProperty("webdriver.chrome.driver", driverPath);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(driverPath))
                .usingAnyFreePort()
                .build();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(System.getProperty("keyward.chromium", "/usr/bin/chromium"));
        // Tests run as root in CI, where Chromium's sandbox cannot start.
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                "--no-first-run", "--disable-extensions", "--window-size=1500,1400");
        browser = new ChromeDriver(service, options);
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.quit();
        }
        if (marker != null) {
            marker.stop(0);
        }
    }

    @Test
    @Order(1)
    void anOperatorSeesKeysAndCallsAndRevokesAKeyWhileAgentTextStaysText() throws Exception {
        // Names cannot carry markup at all: the admin API refuses them.
        for (String field : List.of("agent_name", "agent_run_id")) {
            ObjectNode hostile = JSON.createObjectNode().put("vendor", "stripe").put("agent_name", "a");
            hostile.put(field, field.equals("agent_name") ? img : script);
            AdminClient.Reply refused = gw.admin().post("/keys", hostile.toString());
            assertEquals(400, refused.status(), refused.raw());
            assertEquals(field, refused.json().path("error").path("param").asText());
        }
        // Metadata and paths can: they are planted there.
        ObjectNode body = JSON.createObjectNode().put("vendor", "stripe").put("agent_name", "billing-agent")
                .put("agent_run_id", "run_7").put("daily_usd_cap", "50.00").put("run_usd_cap", "30.00");
        body.putObject("metadata").put("note", img).put(script, "ticket " + script);
        body.set("policy", JSON.readTree("""
                {"allow":[{"operation":"payment_intents.create","params":{"amount":{"max":5000},"currency":{"in":["usd"]}}},
                          {"operation":"customers.retrieve"}]}"""));
        AdminClient.Reply issued = gw.admin().post("/keys", body.toString());
        assertEquals(201, issued.status(), issued.raw());
        String keyId = issued.json().get("id").asText();
        String key = issued.json().get("key").asText();
        JsonNode mailer = gw.admin().issue("resend", "mailer", "\"agent_run_id\":\"run_8\",\"daily_usd_cap\":\"5.00\"");

        assertEquals(200, pay(key, 2000).statusCode());
        assertEquals(403, pay(key, 9000).statusCode(), "over the policy's amount");
        String hostilePath = "/stripe/v1/customers/" + URLEncoder.encode(img, StandardCharsets.UTF_8).replace("+", "%20");
        call(key, HttpRequest.newBuilder(URI.create(gw.gateway().baseUrl() + hostilePath)).GET());
        gw.gateway().flushAudit();

        // The page itself: CSP on the response, then opened with the token in the fragment.
        HttpResponse<String> page = http.send(HttpRequest.newBuilder(URI.create(gw.gateway().baseUrl() + "/admin/ui/")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(ConsoleFiles.CSP, page.headers().firstValue("Content-Security-Policy").orElse(null));
        browser.get(gw.gateway().baseUrl() + "/admin/ui/#token=" + TestSecrets.ADMIN_TOKEN);

        WebElement keyRow = waitFor("key " + keyId + " listed", () -> first(By.cssSelector("#keys-body tr[data-key-id='" + keyId + "']")));
        assertFalse(browser.getCurrentUrl().contains("token"), "the fragment is gone: " + browser.getCurrentUrl());
        assertEquals(TestSecrets.ADMIN_TOKEN, browser.executeScript("return sessionStorage.getItem('keyward.admin_token')"));
        assertEquals("", browser.executeScript("return document.cookie"), "never a cookie");
        String keyText = keyRow.getText();
        for (String shown : List.of("billing-agent", "run_7", "stripe", "active", "$50.00", "$30.00")) {
            assertTrue(keyText.contains(shown), shown + " in " + keyText);
        }
        waitFor("the key's spend", () -> text("#keys-body tr[data-key-id='" + keyId + "']").contains("$20.00 spent") ? true : null);
        assertTrue(text("#keys-body").contains("mailer"), "the other key too");
        assertTrue(keyRow.getText().contains(img) && keyRow.getText().contains(script), "metadata shown as the text it is: " + keyRow.getText());

        // The calls feed: the refusal is highlighted, the hostile path shown as text.
        waitFor("three calls in the feed", () -> rows("#calls-body tr").size() >= 3 ? true : null);
        WebElement refused = waitFor("the refusal", () -> rows("#calls-body tr.refused").stream()
                .filter(r -> r.getText().contains("denied_parameter")).findFirst().orElse(null));
        assertEquals("rgba(253, 226, 225, 1)", refused.findElement(By.tagName("td")).getCssValue("background-color"), "highlighted");
        assertTrue(rows("#calls-body tr.allowed").stream().anyMatch(r -> r.getText().contains("payment_intents.create")));
        assertTrue(text("#calls-body").contains("/v1/customers/"), text("#calls-body"));

        // Filtered by result, then by agent.
        filter("filter-result", "denied_parameter");
        waitFor("only the refusal", () -> rows("#calls-body tr").size() == 1 && rows("#calls-body tr.refused").size() == 1 ? true : null);
        filter("filter-result", "");
        filter("filter-agent", "mailer");
        waitFor("no calls of mailer", () -> text("#calls-note").contains("No calls match") ? true : null);
        filter("filter-agent", "");

        // Spend per agent per day.
        waitFor("billing-agent's spend", () -> rows("#spend-body tr").stream()
                .anyMatch(r -> r.getText().startsWith("billing-agent") && r.getText().contains("$20.00")) ? true : null);

        // Revoke: one click, nothing happens until the confirmation.
        keyRow = first(By.cssSelector("#keys-body tr[data-key-id='" + keyId + "']"));
        keyRow.findElement(By.cssSelector("button[data-revoke='key']")).click();
        WebElement confirm = browser.findElement(By.id("confirm"));
        assertTrue(confirm.isDisplayed());
        assertTrue(browser.findElement(By.id("confirm-text")).getText().contains(keyId));
        assertEquals("active", gw.admin().get("/keys/" + keyId).json().get("state").asText(), "not before the confirmation");
        browser.findElement(By.id("confirm-reason")).sendKeys("runaway loop at 2 a.m.");
        browser.findElement(By.id("confirm-yes")).click();
        waitFor("the revoke answered", () -> text("#kill-note").contains("Revoked 1 key(s)") ? true : null);
        JsonNode after = gw.admin().get("/keys/" + keyId).json();
        assertEquals("revoked", after.get("state").asText());
        assertEquals("runaway loop at 2 a.m.", after.get("revoked_reason").asText());
        HttpResponse<String> next = pay(key, 100);
        assertEquals(401, next.statusCode(), next.body());
        assertTrue(next.body().contains("denied_revoked"), next.body());
        assertEquals("active", gw.admin().get("/keys/" + mailer.get("id").asText()).json().get("state").asText(), "only that key");
        gw.gateway().flushAudit();
        waitFor("the key shown revoked", () -> text("#keys-body tr[data-key-id='" + keyId + "']").contains("revoked") ? true : null);
        waitFor("the 401 in the feed", () -> rows("#calls-body tr.refused").stream()
                .anyMatch(r -> r.getText().contains("denied_revoked")) ? true : null);

        // Nothing planted ran: no variable, no request to the marker, no element parsed from data.
        assertNull(browser.executeScript("return window.kwPwned === undefined ? null : String(window.kwPwned)"));
        assertEquals(0L, browser.executeScript("return document.querySelectorAll('img').length"));
        assertEquals(1L, browser.executeScript("return document.scripts.length"), "only console.js");
        assertTrue(text("#keys-body").contains(img) && text("#keys-body").contains(script));
        assertEquals(List.of(), markerHits);

        Path shot = Path.of("target", "console.png");
        Files.createDirectories(shot.getParent());
        Files.copy(browser.getScreenshotAs(OutputType.FILE).toPath(), shot, StandardCopyOption.REPLACE_EXISTING);
    }

    @Test
    @Order(2)
    void aTokenTypedOnceOpensTheConsoleAndAWrongOneIsForgotten() {
        browser.get(gw.gateway().baseUrl() + "/admin/ui/");
        browser.executeScript("sessionStorage.clear()");
        browser.navigate().refresh();
        assertTrue(browser.findElement(By.id("login")).isDisplayed());
        browser.findElement(By.id("token-input")).sendKeys("kwadm_" + "A".repeat(43), Keys.ENTER);
        waitFor("the wrong token refused", () -> text("#login-note").contains("refused") ? true : null);
        assertNull(browser.executeScript("return sessionStorage.getItem('keyward.admin_token')"));
        browser.findElement(By.id("token-input")).sendKeys(TestSecrets.ADMIN_TOKEN, Keys.ENTER);
        waitFor("the console", () -> browser.findElement(By.id("console")).isDisplayed() && text("#status").startsWith("live") ? true : null);
        assertFalse(browser.getCurrentUrl().contains("kwadm_"));
    }

    @Test
    @Order(3)
    void aVendorIsStoppedAndUnfrozenEachAfterItsConfirmationAndCancelSendsNothing() throws Exception {
        String keyId = gw.admin().issue("twilio", "texter", null).get("id").asText();
        browser.get(gw.gateway().baseUrl() + "/admin/ui/#token=" + TestSecrets.ADMIN_TOKEN);
        waitFor("the twilio key", () -> first(By.cssSelector("#keys-body tr[data-key-id='" + keyId + "']")));

        browser.findElement(By.cssSelector("button[data-switch='stop-twilio']")).click();
        browser.findElement(By.id("confirm-no")).click();
        assertFalse(browser.findElement(By.id("confirm")).isDisplayed());
        assertEquals("active", gw.admin().get("/keys/" + keyId).json().get("state").asText(), "cancelled: nothing sent");

        browser.findElement(By.cssSelector("button[data-switch='stop-twilio']")).click();
        browser.findElement(By.id("confirm-yes")).click();
        waitFor("twilio stopped", () -> text("#kill-note").contains("Stopped twilio (1 key(s) revoked)") ? true : null);
        assertEquals("revoked", gw.admin().get("/keys/" + keyId).json().get("state").asText());

        browser.findElement(By.cssSelector("button[data-switch='unfreeze-twilio']")).click();
        browser.findElement(By.id("confirm-yes")).click();
        waitFor("twilio unfrozen", () -> text("#kill-note").contains("Unfroze twilio (1)") ? true : null);
        assertEquals("revoked", gw.admin().get("/keys/" + keyId).json().get("state").asText(), "unfreezing un-revokes nothing");
    }

    @Test
    @Order(4)
    void aPendingApprovalIsApprovedFromThePageAndTheExactCallThenPassesOnce() throws Exception {
        String key = gw.admin().issue("stripe", "approval-page", "\"daily_usd_cap\":\"500.00\",\"policy\":{\"allow\":"
                + "[{\"operation\":\"payment_intents.create\",\"approval_above_usd\":\"30.00\"}]}").get("key").asText();
        HttpResponse<String> asked = pay(key, 4_200);
        assertEquals(403, asked.statusCode(), asked.body());
        String approvalId = JSON.readTree(asked.body()).path("error").path("approval_id").asText();
        browser.get(gw.gateway().baseUrl() + "/admin/ui/#token=" + TestSecrets.ADMIN_TOKEN);
        WebElement row = waitFor("approval " + approvalId + " listed as pending", () -> rows("#approvals-body tr").stream()
                .filter(r -> r.getText().contains(approvalId)).findFirst().orElse(null));
        assertTrue(row.getText().contains("approval-page") && row.getText().contains("42.00"), row.getText());
        assertTrue(row.getText().contains("amount: 4200") && row.getText().contains("currency: usd"), "what is approved is shown: " + row.getText());

        row.findElements(By.tagName("button")).stream().filter(b -> b.getText().equals("approve")).findFirst().orElseThrow().click();
        assertTrue(browser.findElement(By.id("confirm-text")).getText().contains(approvalId));
        assertEquals("pending", gw.admin().get("/approvals/" + approvalId).json().path("state").asText(), "not before the confirmation");
        browser.findElement(By.id("confirm-reason")).sendKeys("invoice 42 checked");
        browser.findElement(By.id("confirm-yes")).click();
        waitFor("approved", () -> text("#kill-note").contains("Approved " + approvalId) ? true : null);
        JsonNode approved = gw.admin().get("/approvals/" + approvalId).json();
        assertEquals("approved", approved.path("state").asText());
        assertEquals("invoice 42 checked", approved.path("reason").asText());

        assertEquals(200, pay(key, 4_200).statusCode(), "the approved call passes");
        assertEquals(403, pay(key, 4_200).statusCode(), "once");
    }

    private HttpResponse<String> pay(String key, int amount) throws Exception {
        return call(key, HttpRequest.newBuilder(URI.create(gw.gateway().baseUrl() + "/stripe/v1/payment_intents"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("amount=" + amount + "&currency=usd")));
    }

    private HttpResponse<String> call(String key, HttpRequest.Builder request) throws Exception {
        String basic = Base64.getEncoder().encodeToString((key + ":").getBytes(StandardCharsets.UTF_8));
        return http.send(request.header("Authorization", "Basic " + basic).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Types into a filter and leaves it, so its change event polls at once. */
    private static void filter(String id, String value) {
        WebElement input = browser.findElement(By.id(id));
        input.clear();
        input.sendKeys(value, Keys.TAB);
        if (value.isEmpty()) {
            browser.executeScript("arguments[0].dispatchEvent(new Event('change'))", input);
        }
    }

    private static String text(String css) {
        WebElement element = first(By.cssSelector(css));
        return element == null ? "" : element.getText();
    }

    private static List<WebElement> rows(String css) {
        return browser.findElements(By.cssSelector(css));
    }

    private static WebElement first(By by) {
        List<WebElement> found = browser.findElements(by);
        return found.isEmpty() ? null : found.get(0);
    }

    /** Polls until the page shows what is asked (the console polls the API every 2 s). */
    private static <T> T waitFor(String what, Supplier<T> probe) {
        Instant deadline = Instant.now().plus(WAIT);
        while (true) {
            try {
                T value = probe.get();
                if (value != null) {
                    return value;
                }
            } catch (org.openqa.selenium.StaleElementReferenceException e) {
                // the table was re-rendered between finding a row and reading it: look again
            }
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("the console did not show " + what + " within " + WAIT.toSeconds() + " s; page text:\n"
                        + browser.findElement(By.tagName("body")).getText());
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }
}
