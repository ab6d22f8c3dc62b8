package io.keyward.testing;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One Keyward node for a test class: a fresh database, a fake vendor and the gateway in front of
 * it, started before the class and stopped after it. Before each test the fake vendor forgets what
 * it saw and answers every request 200 {@code {}}, unless the test stubs otherwise.
 *
 * <pre>
 * &#64;RegisterExtension
 * static final GatewayExtension gw = new GatewayExtension();
 * </pre>
 */
public final class GatewayExtension implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback {
    private final String extraYaml;
    private final java.util.function.UnaryOperator<String> editConfig;
    private FakeVendor vendor;
    private TestGateway gateway;
    private AdminClient admin;

    public GatewayExtension() {
        this("");
    }

    /** @param extraYaml top-level config sections added to the test config */
    public GatewayExtension(String extraYaml) {
        this(extraYaml, java.util.function.UnaryOperator.identity());
    }

    /** @param editConfig applied to the whole config text before it is parsed */
    public GatewayExtension(String extraYaml, java.util.function.UnaryOperator<String> editConfig) {
        this.extraYaml = extraYaml;
        this.editConfig = editConfig;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        vendor = new FakeVendor();
        gateway = TestGateway.start(TestDatabase.fresh(), vendor.baseUrl(), "", extraYaml, editConfig);
        admin = new AdminClient(gateway.baseUrl(), TestSecrets.ADMIN_TOKEN);
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        vendor.reset();
        vendor.server().stubFor(any(anyUrl()).willReturn(aResponse().withStatus(200).withBody("{}")));
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        try (FakeVendor v = vendor; TestGateway g = gateway) {
            // closed in reverse order: the gateway first, then the vendor
        }
    }

    public FakeVendor vendor() {
        return vendor;
    }

    public TestGateway gateway() {
        return gateway;
    }

    public AdminClient admin() {
        return admin;
    }

    public int port() {
        return gateway.port();
    }
}
