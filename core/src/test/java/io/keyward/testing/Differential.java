package io.keyward.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.keyward.contract.Param;
import io.keyward.contract.ParamName;
import io.keyward.contract.Params;
import io.keyward.contract.Vendor;
import io.keyward.request.CallRequest;
import io.keyward.route.Route;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The differential check: what reached the test vendor, read by the vendor's reference reader
 * ({@link VendorReaders}), must be exactly what Keyward checked and priced.
 */
public final class Differential {
    private Differential() {
    }

    /** Keyward's reading of a call, in the reference readers' shape (path variables are the path's). */
    public static Map<String, String> keywardReading(CallRequest call) {
        boolean folded = call.params().reading().caseInsensitive();
        Map<String, String> out = new LinkedHashMap<>();
        for (Param p : call.params().all()) {
            if (p.source() != Param.Source.PATH) {
                String name = p.name().toString();
                out.put(folded ? name.toLowerCase(Locale.ROOT) : name, p.value());
            }
        }
        return out;
    }

    /** The vendor's reading of what it received; fails when the vendor could not read it at all. */
    public static Map<String, String> vendorReading(String vendor, LoggedRequest seen) {
        String url = seen.getUrl();
        int q = url.indexOf('?');
        Optional<Map<String, String>> reading = VendorReaders.read(vendor, q < 0 ? null : url.substring(q + 1), seen.getBody(),
                seen.getHeader("Content-Type"));
        assertTrue(reading.isPresent(), "the vendor cannot read what Keyward forwarded: " + url);
        return reading.get();
    }

    /**
     * Asserts that the vendor reads the same parameters, path and meaningful headers that Keyward
     * read for {@code call}, and returns the vendor's reading.
     */
    public static Map<String, String> assertSameReading(Route route, CallRequest call, LoggedRequest seen) {
        Vendor vendor = route.vendor();
        Map<String, String> theirs = vendorReading(vendor.name(), seen);
        Map<String, String> ours = keywardReading(call);
        assertEquals(sorted(ours), sorted(theirs), "the vendor reads other parameters than Keyward checked");
        String url = seen.getUrl();
        String path = url.indexOf('?') < 0 ? url : url.substring(0, url.indexOf('?'));
        List<String> expected = new ArrayList<>();
        String basePath = route.upstreamBase().getRawPath();
        if (basePath != null && !basePath.isEmpty()) {
            expected.addAll(VendorReaders.pathSegments(basePath));
        }
        expected.addAll(vendor.upstreamSegments(call.pathSegments().subList(route.hostSegments(), call.pathSegments().size()),
                route.defaultHost()));
        assertEquals(expected, VendorReaders.pathSegments(path), "the vendor reads another path than Keyward checked");
        for (CallRequest.Header h : call.headers()) {
            List<String> got = seen.getHeaders().getHeader(h.name()).values();
            assertEquals(1, got.size(), "the vendor gets " + h.name() + " once");
            // Jetty re-spells media types (charset=UTF-8); they are case-insensitive, other values are compared exactly.
            boolean same = h.name().equalsIgnoreCase("Content-Type") ? h.value().equalsIgnoreCase(got.get(0)) : h.value().equals(got.get(0));
            assertTrue(same, "the vendor gets " + h.name() + " as Keyward read it: " + h.value() + " / " + got.get(0));
        }
        return theirs;
    }

    /** The vendor's reading as Keyward's canonical parameters, to price it with the vendor's own cost model. */
    public static Params asParams(Vendor vendor, Map<String, String> reading) {
        List<Param> params = new ArrayList<>();
        reading.forEach((name, value) -> params.add(new Param(Param.Source.BODY, ParamName.ofRule(name.isEmpty() ? "_" : name), value)));
        return Params.canonical(params, vendor.reading());
    }

    private static Map<String, String> sorted(Map<String, String> m) {
        return new java.util.TreeMap<>(m);
    }
}
