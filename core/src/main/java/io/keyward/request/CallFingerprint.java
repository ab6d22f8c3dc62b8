package io.keyward.request;

import io.keyward.contract.HeaderRule;
import io.keyward.contract.Param;
import io.keyward.contract.Vendor;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** The identity of a call as the vendor will act on it: two calls with the same fingerprint do the same thing. */
public final class CallFingerprint {
    private CallFingerprint() {
    }

    /**
     * Identifies a request (what an Idempotency-Key was first used for, what an approval was given
     * for): method, canonical path, every parameter of the one reading, and every header that changes
     * what the same parameters mean ({@code Stripe-Version}, {@code Stripe-Account}). A retry must
     * repeat all of it to be free, and a call all of it to ride on an approval.
     */
    public static byte[] sha256(Vendor vendor, CallRequest call) {
        return digest(vendor, call, false);
    }

    /** The same, with the call's Idempotency-Key (or its absence) in it: what an approval is for. */
    public static byte[] sha256WithIdempotencyKey(Vendor vendor, CallRequest call) {
        return digest(vendor, call, true);
    }

    private static byte[] digest(Vendor vendor, CallRequest call, boolean withIdempotencyKey) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            line(sha, call.method());
            line(sha, vendor.name());
            call.pathSegments().forEach(segment -> line(sha, "/" + segment));
            for (HeaderRule header : vendor.headers().meaningful()) {
                line(sha, header.name() + ":" + call.header(header.name()).orElse("\u0001"));
            }
            // Each parameter as length-prefixed fields, in a fixed order: the same request however its
            // fields were ordered, and no two different ones alike (a name segment may hold any text).
            call.params().all().stream()
                    .filter(p -> p.source() != Param.Source.PATH)
                    .map(CallFingerprint::encoded)
                    .sorted(java.util.Arrays::compare)
                    .forEach(sha::update);
            if (withIdempotencyKey) {
                line(sha, call.idempotencyKey() == null ? "\u0001" : "Idempotency-Key:" + call.idempotencyKey());
            }
            return sha.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }

    /** One field of the hash, length-prefixed so that no two different requests hash the same text. */
    private static void line(MessageDigest sha, String field) {
        sha.update(lengthPrefixed(field));
    }

    private static byte[] encoded(Param p) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        out.writeBytes(lengthPrefixed(p.source().name()));
        out.writeBytes(lengthPrefixed(Integer.toString(p.name().segments().size())));
        p.name().segments().forEach(segment -> out.writeBytes(lengthPrefixed(segment)));
        out.writeBytes(p.value() == null ? new byte[] {-1, -1, -1, -1} : lengthPrefixed(p.value()));
        return out.toByteArray();
    }

    private static byte[] lengthPrefixed(String field) {
        byte[] bytes = field.getBytes(StandardCharsets.UTF_8);
        return java.nio.ByteBuffer.allocate(4 + bytes.length).putInt(bytes.length).put(bytes).array();
    }
}
