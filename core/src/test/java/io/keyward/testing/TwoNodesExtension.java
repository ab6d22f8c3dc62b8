package io.keyward.testing;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Two Keyward nodes, each with its own connection pool, in front of one fresh database and one
 * fake vendor: what a scaled-out gateway looks like. The admin client talks to node A. Before each
 * test the vendor answers every request 200 with a Stripe payment intent of 37 cents.
 */
public final class TwoNodesExtension implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback {
    private final String extraYaml;
    private FakeVendor vendor;
    private TestGateway nodeA;
    private TestGateway nodeB;
    private AdminClient admin;

    public TwoNodesExtension(String extraYaml) {
        this.extraYaml = extraYaml;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        vendor = new FakeVendor();
        String db = TestDatabase.fresh();
        nodeA = TestGateway.start(db, vendor.baseUrl(), "", extraYaml, TwoNodesExtension::defaultPoolWait);
        nodeB = TestGateway.start(db, vendor.baseUrl(), "", extraYaml, TwoNodesExtension::defaultPoolWait);
        admin = new AdminClient(nodeA.baseUrl(), TestSecrets.ADMIN_TOKEN);
    }

    /**
     * The tests on two nodes run 64 callers against pools of 8 on a shared 2-core machine: they wait
     * for a connection as long as a deployment does by default (5 s), not the single-node tests' 1 s,
     * which is there to make outage tests fail fast. A 503 here is then a real fault, not a slow box.
     */
    private static String defaultPoolWait(String config) {
        return config.replace("  connect_timeout: 1s\n", "  connect_timeout: 5s\n");
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        vendor.reset();
        vendor.server().stubFor(any(anyUrl()).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"object\":\"payment_intent\",\"amount\":37,\"currency\":\"usd\"}")));
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        try (FakeVendor v = vendor; TestGateway a = nodeA; TestGateway b = nodeB) {
            // closed in reverse order
        }
    }

    public FakeVendor vendor() {
        return vendor;
    }

    public TestGateway nodeA() {
        return nodeA;
    }

    public TestGateway nodeB() {
        return nodeB;
    }

    public AdminClient admin() {
        return admin;
    }

    /**
     * Waits out one revoke poll: what one node changed is then in force on the other for calls that
     * move no money too (money-moving calls see it at once, in their reservation).
     */
    public void awaitRevokePoll() throws InterruptedException {
        Thread.sleep(2 * io.keyward.config.KeysConfig.ofDefaults().revokePoll().toMillis() + 50);
    }
}
