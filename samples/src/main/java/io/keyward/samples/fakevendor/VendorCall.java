package io.keyward.samples.fakevendor;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One call as a vendor's server reads it: the method, the decoded path segments below
 * {@code /{vendor}}, and the query and form fields in the order sent (the body's after the query's).
 */
record VendorCall(String method, List<String> segments, List<Map.Entry<String, String>> fields, byte[] body) {

    static VendorCall of(String method, List<String> segments, String query, String contentType, byte[] body) {
        List<Map.Entry<String, String>> fields = new ArrayList<>(form(query));
        if (contentType != null && contentType.startsWith("application/x-www-form-urlencoded")) {
            fields.addAll(form(new String(body, StandardCharsets.UTF_8)));
        }
        return new VendorCall(method, List.copyOf(segments), List.copyOf(fields), body);
    }

    /** The path as the agent's SDK wrote it, for the URLs and messages vendors put in their answers. */
    String path() {
        return "/" + String.join("/", segments);
    }

    private static List<Map.Entry<String, String>> form(String text) {
        List<Map.Entry<String, String>> out = new ArrayList<>();
        if (text == null || text.isEmpty()) {
            return out;
        }
        for (String pair : text.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = eq < 0 ? pair : pair.substring(0, eq);
            String value = eq < 0 ? "" : pair.substring(eq + 1);
            out.add(Map.entry(URLDecoder.decode(name, StandardCharsets.UTF_8), URLDecoder.decode(value, StandardCharsets.UTF_8)));
        }
        return out;
    }
}
