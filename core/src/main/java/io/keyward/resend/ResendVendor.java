package io.keyward.resend;

import com.fasterxml.jackson.databind.JsonNode;
import io.keyward.config.Secret;
import io.keyward.config.SpendConfig;
import io.keyward.config.VendorConfig;
import io.keyward.contract.BodyFormat;
import io.keyward.contract.Catalog;
import io.keyward.contract.CostModel;
import io.keyward.contract.HeaderContract;
import io.keyward.contract.HeaderRule;
import io.keyward.contract.Operation;
import io.keyward.contract.ParamReading;
import io.keyward.contract.Params;
import io.keyward.contract.ConfiguredVendor;
import io.keyward.decision.Code;
import io.keyward.decision.Refusal;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

/**
 * Resend. Its servers read JSON (a repeated key: the last one wins, so Keyward refuses repeated keys)
 * and deduplicate {@code POST /emails} and {@code /emails/batch} by {@code Idempotency-Key} (at most
 * 256 characters) for 24 hours. The fields Keyward prices and policies look at must have the types
 * Resend reads: an address field is a string or a list of strings, never an object.
 */
public final class ResendVendor extends ConfiguredVendor {
    public static final HeaderContract HEADERS = HeaderContract.of(HeaderRule.plain("Idempotency-Key", 256));
    public static final Catalog CATALOG = buildCatalog();
    private static final Set<String> TEXT = Set.of("from", "subject", "html", "text", "scheduled_at", "topic_id");
    private static final Set<String> ADDRESSES = Set.of("to", "cc", "bcc", "reply_to");
    private static final Set<String> OBJECT_LISTS = Set.of("attachments", "tags");

    private final CostModel costs;

    public ResendVendor(VendorConfig config, SpendConfig prices) {
        super("resend", config);
        this.costs = new ResendCosts(prices.emailUsd());
    }

    @Override
    public Catalog catalog() {
        return CATALOG;
    }

    @Override
    public ParamReading reading() {
        return ParamReading.nested();
    }

    @Override
    public HeaderContract headers() {
        return HEADERS;
    }

    @Override
    public boolean deduplicatesIdempotentRetries() {
        return true;
    }

    @Override
    public String authorization(Secret secret) {
        return bearer(secret);
    }

    @Override
    public CostModel costs() {
        return costs;
    }

    @Override
    public String requestIdHeader() {
        return null;
    }

    @Override
    public void checkJsonShape(Operation operation, JsonNode body) {
        switch (operation.name()) {
            case "emails.send", "emails.update" -> email(body, "");
            case "emails.batch" -> {
                if (!body.isArray()) {
                    throw wrongType("", "must be a JSON list of emails");
                }
                for (int i = 0; i < body.size(); i++) {
                    email(body.get(i), "[" + i + "]");
                }
            }
            default -> {
            }
        }
    }

    private static void email(JsonNode email, String at) {
        if (!email.isObject()) {
            throw wrongType(at, "must be a JSON object");
        }
        Iterator<Map.Entry<String, JsonNode>> fields = email.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> f = fields.next();
            String name = at.isEmpty() ? f.getKey() : at + "[" + f.getKey() + "]";
            JsonNode v = f.getValue();
            if (v.isNull()) {
                continue;
            }
            if (TEXT.contains(f.getKey()) && !v.isTextual()) {
                throw wrongType(name, "must be a string");
            }
            if (ADDRESSES.contains(f.getKey()) && !v.isTextual() && !(v.isArray() && allText(v))) {
                throw wrongType(name, "must be an address or a list of addresses");
            }
            if (OBJECT_LISTS.contains(f.getKey()) && !(v.isArray() && allObjects(v))) {
                throw wrongType(name, "must be a list of objects");
            }
            if (f.getKey().equals("headers") && !v.isObject()) {
                throw wrongType(name, "must be an object");
            }
        }
    }

    private static boolean allText(JsonNode list) {
        for (JsonNode item : list) {
            if (!item.isTextual()) {
                return false;
            }
        }
        return true;
    }

    private static boolean allObjects(JsonNode list) {
        for (JsonNode item : list) {
            if (!item.isObject()) {
                return false;
            }
        }
        return true;
    }

    private static Refusal wrongType(String name, String why) {
        String shown = name.isEmpty() ? "the body" : "parameter " + Params.printable(name);
        return new Refusal(Code.DENIED_MALFORMED, 400, shown + " " + why, "request.json_type." + Params.printable(name.isEmpty() ? "body" : name));
    }

    /** The operations agents call, named as resend-java names them. */
    private static Catalog buildCatalog() {
        return Catalog.builder(BodyFormat.JSON, false)
                .money("emails.send", "POST", "/emails")
                .money("emails.batch", "POST", "/emails/batch")
                .read("emails.get", "/emails/{id}")
                .read("emails.list", "/emails")
                .op("emails.update", "PATCH", "/emails/{id}")
                .op("emails.cancel", "POST", "/emails/{id}/cancel")
                .read("domains.list", "/domains")
                .read("domains.get", "/domains/{id}")
                .build();
    }
}
