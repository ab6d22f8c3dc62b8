package io.keyward.gateway;

import io.keyward.audit.AuditWriter;
import io.keyward.auth.Authenticator;
import io.keyward.auth.FailedAuthLimit;
import io.keyward.auth.KeyCache;
import io.keyward.config.KeywardConfig;
import io.keyward.contract.Vendor;
import io.keyward.forward.Forwarder;
import io.keyward.key.KeyHasher;
import io.keyward.metrics.GatewayMetrics;
import io.keyward.metrics.NodeGauges;
import io.keyward.policy.PolicyCheck;
import io.keyward.approval.Approvals;
import io.keyward.registry.VendorRegistry;
import io.keyward.request.RequestReader;
import io.keyward.route.Router;
import io.keyward.guard.Guards;
import io.keyward.secret.CredentialInjector;
import io.keyward.secret.SecretCipher;
import io.keyward.secret.SecretRedactor;
import io.keyward.secret.VendorSecrets;
import io.keyward.spend.Spend;
import io.keyward.store.Store;
import java.sql.SQLException;
import java.util.Map;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running gateway: the config and every step built from it, once. The filter and the admin
 * servlet of a web app share one instance; two instances (two nodes) share only the database.
 */
public final class Keyward implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Keyward.class);
    /** ServletContext attribute under which the listener publishes the running instance. */
    public static final String CONTEXT_ATTRIBUTE = Keyward.class.getName();

    private final KeywardConfig config;
    private final Map<String, Vendor> vendors;
    private final Store store;
    private final KeyHasher hasher;
    private final Router router;
    private final KeyCache keyCache;
    private final LatencyHistogram filterOverhead = new LatencyHistogram();
    private final Authenticator authenticator;
    private final RequestReader requestReader;
    private final PolicyCheck policy;
    private final Approvals approvals;
    private final CredentialInjector credentials;
    private final SecretRedactor redactor;
    private final VendorSecrets vendorSecrets;
    private final Forwarder forwarder;
    private final AuditWriter audit;
    private final Guards guards;
    private final Spend spend;
    private final GatewayMetrics metrics;

    private Keyward(KeywardConfig config, Store store) {
        this.config = config;
        this.vendors = VendorRegistry.fromConfig(config.vendors(), config.spend());
        this.store = store;
        this.hasher = new KeyHasher(config.security().keyPepper());
        this.router = new Router(config.mountPrefix(), vendors);
        this.keyCache = new KeyCache(store.keys(), config.keys().revokePoll());
        this.authenticator = new Authenticator(keyCache, hasher, new FailedAuthLimit(config.guards().unauthenticatedPerSecond()));
        this.requestReader = new RequestReader(config.limits());
        this.policy = new PolicyCheck(vendors);
        this.credentials = new CredentialInjector();
        this.redactor = new SecretRedactor(vendors.values().stream().map(Vendor::secret).filter(java.util.Objects::nonNull).toList());
        this.approvals = new Approvals(store.approvals(), config.approvals(), redactor);
        this.vendorSecrets = new VendorSecrets(vendors, store.vendorSecrets(), new SecretCipher(config.secrets()), redactor);
        this.forwarder = new Forwarder(config.forward(), redactor);
        this.audit = new AuditWriter(store.calls(), config.audit());
        this.guards = new Guards(config.guards(), store.keys(), keyCache::invalidateAll);
        this.spend = new Spend(store.spend(), config.spend(), config.audit().spoolDir());
        // Escrow leases admit money without asking the database: any change seen drops them.
        keyCache.onChange(spend::dropLeases);
        this.metrics = new GatewayMetrics(new NodeGauges(vendors.keySet(), keyCache::revokePollLagSeconds, audit::queued,
                audit::spooledBytes, spend::pendingSettles, forwarder::circuitStates));
    }

    /** Starts a gateway on the database the config names (its own pool, or JNDI). */
    public static Keyward start(KeywardConfig config) throws SQLException {
        return start(config, "");
    }

    /**
     * Starts a gateway served by a web app at {@code contextPath} ("" for the root), which only the
     * start-up log needs: it names where agents reach the gateway.
     */
    public static Keyward start(KeywardConfig config, String contextPath) throws SQLException {
        Forwarder.checkConfig(config.forward(), VendorRegistry.fromConfig(config.vendors(), config.spend()));
        Store store = Store.open(config.database());
        return started(config, store, contextPath);
    }

    /** Starts a gateway on a DataSource the caller owns. */
    public static Keyward start(KeywardConfig config, DataSource dataSource) throws SQLException {
        Forwarder.checkConfig(config.forward(), VendorRegistry.fromConfig(config.vendors(), config.spend()));
        return started(config, Store.open(dataSource, config.database().migrate(), config.database().retryDeadline()), "");
    }

    private static Keyward started(KeywardConfig config, Store store, String contextPath) {
        Keyward keyward;
        try {
            keyward = new Keyward(config, store);
        } catch (RuntimeException e) {
            try {
                store.close();
            } catch (Exception closing) {
                e.addSuppressed(closing);
            }
            throw e;
        }
        LOG.info("Keyward node {} serving {} at {}/{vendor}/...", config.nodeId(), keyward.vendors.keySet(),
                contextPath + config.mountPrefix());
        return keyward;
    }

    public KeywardConfig config() {
        return config;
    }

    public Map<String, Vendor> vendors() {
        return vendors;
    }

    public Store store() {
        return store;
    }

    public KeyHasher hasher() {
        return hasher;
    }

    Router router() {
        return router;
    }

    /** Time each call spent inside Keyward's filter, the vendor's time excluded (GET /admin/metrics). */
    public LatencyHistogram filterOverhead() {
        return filterOverhead;
    }

    /** This node's Prometheus metrics (GET /admin/metrics with a scraper's Accept). */
    public GatewayMetrics metrics() {
        return metrics;
    }

    /** This node's cached keys; admin changes made here drop them at once. */
    public KeyCache keyCache() {
        return keyCache;
    }

    Authenticator authenticator() {
        return authenticator;
    }

    RequestReader requestReader() {
        return requestReader;
    }

    PolicyCheck policy() {
        return policy;
    }

    public Approvals approvals() {
        return approvals;
    }

    CredentialInjector credentials() {
        return credentials;
    }

    public VendorSecrets vendorSecrets() {
        return vendorSecrets;
    }

    SecretRedactor redactor() {
        return redactor;
    }

    Forwarder forwarder() {
        return forwarder;
    }

    public AuditWriter audit() {
        return audit;
    }

    Guards guards() {
        return guards;
    }

    public Spend spend() {
        return spend;
    }

    @Override
    public void close() throws Exception {
        try (store; forwarder; audit; spend; keyCache) {
            LOG.info("Keyward node {} stopping", config.nodeId());
            approvals.close();
        }
    }
}
