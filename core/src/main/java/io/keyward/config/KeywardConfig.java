package io.keyward.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The whole configuration, built once from YAML and never changed. Every part validates itself on
 * construction, so a running gateway only ever sees a config that made sense.
 *
 * @param mountPrefix path prefix under which {@code /{vendor}/...} is served ("" for the context root)
 * @param nodeId this gateway's name in audit rows; defaults to the host name
 */
public record KeywardConfig(String mountPrefix, String nodeId, DatabaseConfig database, SecurityConfig security,
                            KeysConfig keys, LimitsConfig limits, ForwardConfig forward,
                            SpendConfig spend, GuardsConfig guards, SecretsConfig secrets, AuditConfig audit,
                            ApprovalsConfig approvals, Map<String, VendorConfig> vendors) {

    public KeywardConfig {
        vendors = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(vendors));
        if (spend.leases().on() && keys.revokePoll().isZero()) {
            // A lease admits money without the database; only the revoke poll can take it back.
            if (spend.leases().explicit()) {
                throw new ConfigException("spend.lease_usd", "needs keys.revoke_poll (it is off)");
            }
            spend = spend.withLeases(LeaseConfig.off());
        }
    }

    @JsonCreator
    static KeywardConfig fromYaml(@JsonProperty("mount_prefix") String mountPrefix,
                                  @JsonProperty("node_id") String nodeId,
                                  @JsonProperty("database") DatabaseConfig database,
                                  @JsonProperty("security") SecurityConfig security,
                                  @JsonProperty("keys") KeysConfig keys,
                                  @JsonProperty("limits") LimitsConfig limits,
                                  @JsonProperty("forward") ForwardConfig forward,
                                  @JsonProperty("spend") SpendConfig spend,
                                  @JsonProperty("guards") GuardsConfig guards,
                                  @JsonProperty("secrets") SecretsConfig secrets,
                                  @JsonProperty("audit") AuditConfig audit,
                                  @JsonProperty("approvals") ApprovalsConfig approvals,
                                  @JsonProperty("vendors") Map<String, VendorConfig> vendors) {
        required("database", database);
        required("security", security);
        required("vendors", vendors);
        if (vendors.isEmpty()) {
            throw new ConfigException("vendors", "name at least one vendor");
        }
        boolean vault = secrets != null && secrets.enabled();
        vendors.forEach((name, vendor) -> {
            if (vendor.secret() == null && !vault) {
                throw new ConfigException("vendors." + name + ".secret",
                        "is required (inline as ${ENV_VAR}, as secret_file, or stored in the database under secrets.master_key_id)");
            }
        });
        String node = nodeId == null || nodeId.isBlank() ? hostName() : nodeId.strip();
        return new KeywardConfig(prefix(mountPrefix), node,
                database, security,
                keys == null ? KeysConfig.ofDefaults() : keys,
                limits == null ? LimitsConfig.ofDefaults() : limits,
                forward == null ? ForwardConfig.ofDefaults() : forward,
                spend == null ? SpendConfig.ofDefaults() : spend,
                guards == null ? GuardsConfig.ofDefaults() : guards,
                secrets == null ? SecretsConfig.none() : secrets,
                audit == null ? AuditConfig.ofDefaults(node) : audit.withSpoolDirFor(node),
                approvals == null ? ApprovalsConfig.ofDefaults() : approvals,
                vendors);
    }

    private static void required(String key, Object value) {
        if (value == null) {
            throw new ConfigException(key, "is required");
        }
    }

    private static String prefix(String text) {
        if (text == null || text.isBlank() || text.equals("/")) {
            return "";
        }
        String p = text.strip();
        if (!p.matches("(/[A-Za-z0-9._~-]+)+/?")) {
            throw new ConfigException("mount_prefix", "must be a path such as /agents (letters, digits, . _ ~ -)");
        }
        return p.endsWith("/") ? p.substring(0, p.length() - 1) : p;
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "keyward";
        }
    }
}
