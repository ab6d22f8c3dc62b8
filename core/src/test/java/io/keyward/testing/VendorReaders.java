package io.keyward.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reference readers: how each vendor's servers read a request, written from the vendors' documented
 * behaviour and independently of Keyward's own parsers. A differential test reads what actually
 * reached the test vendor with these and compares it with what Keyward checked and priced.
 *
 * <ul>
 *   <li>Stripe: Rack's {@code parse_nested_query}: {@code &}-separated pairs, {@code +} and
 *       {@code %XX} decoded, bracketed names nest, the last value of a name wins, query and body
 *       merged with the body winning (Rack's {@code params}).</li>
 *   <li>Twilio: names without regard to case, the last value winning, except the parameters it reads
 *       as lists when they repeat ({@code MediaUrl}).</li>
 *   <li>Resend: JSON, the last of repeated keys winning (as JavaScript's {@code JSON.parse}).</li>
 * </ul>
 *
 * A reading is a flat map: bracketed name ({@code line_items[0][quantity]}; lower-cased for Twilio)
 * to value; empty when the reader cannot read the request at all (the vendor would answer 400).
 */
public final class VendorReaders {
    private static final ObjectMapper LENIENT_JSON = new ObjectMapper();
    private static final Set<String> TWILIO_LISTS = Set.of("mediaurl", "persistentaction", "statuscallbackevent",
            "recordingstatuscallbackevent", "conferencerecordingstatuscallbackevent", "callreason");

    private VendorReaders() {
    }

    /** What the vendor reads from this query string and body. */
    public static Optional<Map<String, String>> read(String vendor, String rawQuery, byte[] body, String contentType) {
        boolean json = contentType != null && contentType.toLowerCase(Locale.ROOT).startsWith("application/json");
        return switch (vendor) {
            case "stripe" -> json ? json(body) : rack(rawQuery, body);
            case "twilio" -> twilio(rawQuery, body);
            case "resend" -> body.length == 0 ? Optional.of(flat(rawQuery)) : json(body);
            default -> throw new IllegalArgumentException(vendor);
        };
    }

    /** Rack: nested hashes, last value wins, the body merged over the query (shallowly, as Rack's params). */
    static Optional<Map<String, String>> rack(String rawQuery, byte[] body) {
        Map<String, Object> query = new LinkedHashMap<>();
        Map<String, Object> form = new LinkedHashMap<>();
        if (!nest(query, rawQuery) || !nest(form, new String(body, StandardCharsets.ISO_8859_1))) {
            return Optional.empty();
        }
        query.putAll(form);
        Map<String, String> flat = new LinkedHashMap<>();
        flatten(query, "", flat);
        return Optional.of(flat);
    }

    @SuppressWarnings("unchecked")
    private static boolean nest(Map<String, Object> params, String text) {
        if (text == null || text.isEmpty()) {
            return true;
        }
        for (String pair : text.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = unescape(eq < 0 ? pair : pair.substring(0, eq));
            String value = eq < 0 ? "" : unescape(pair.substring(eq + 1));
            // Rack: the first name is what precedes the first bracket; each [key] after it nests.
            List<String> keys = new ArrayList<>();
            int open = name.indexOf('[');
            keys.add(open < 0 ? name : name.substring(0, open));
            for (int i = open; i >= 0 && i < name.length(); ) {
                int close = name.indexOf(']', i);
                if (name.charAt(i) != '[' || close < 0) {
                    return false;
                }
                keys.add(name.substring(i + 1, close));
                i = close + 1;
            }
            Map<String, Object> at = params;
            for (int i = 0; i < keys.size() - 1; i++) {
                Object child = at.computeIfAbsent(keys.get(i), k -> new LinkedHashMap<String, Object>());
                if (!(child instanceof Map)) {
                    return false; // Rack raises a ParameterTypeError: a value and a hash under one name
                }
                at = (Map<String, Object>) child;
            }
            String last = keys.get(keys.size() - 1);
            if (at.get(last) instanceof Map) {
                return false;
            }
            at.put(last, value);
        }
        return true;
    }

    @SuppressWarnings("unchecked")
    private static void flatten(Map<String, Object> tree, String prefix, Map<String, String> out) {
        tree.forEach((k, v) -> {
            String name = prefix.isEmpty() ? k : prefix + "[" + k + "]";
            if (v instanceof Map) {
                flatten((Map<String, Object>) v, name, out);
            } else {
                out.put(name, (String) v);
            }
        });
    }

    /** Twilio: names folded to lower case, last value wins, list parameters collected in order. */
    static Optional<Map<String, String>> twilio(String rawQuery, byte[] body) {
        Map<String, String> out = new LinkedHashMap<>();
        Map<String, Integer> lists = new LinkedHashMap<>();
        for (String text : new String[] {rawQuery, new String(body, StandardCharsets.ISO_8859_1)}) {
            if (text == null || text.isEmpty()) {
                continue;
            }
            for (String pair : text.split("&")) {
                if (pair.isEmpty()) {
                    continue;
                }
                int eq = pair.indexOf('=');
                String name = unescape(eq < 0 ? pair : pair.substring(0, eq)).toLowerCase(Locale.ROOT);
                String value = eq < 0 ? "" : unescape(pair.substring(eq + 1));
                if (TWILIO_LISTS.contains(name)) {
                    int index = lists.merge(name, 1, Integer::sum) - 1;
                    out.put(name + "[" + index + "]", value);
                } else {
                    out.put(name, value);
                }
            }
        }
        return Optional.of(out);
    }

    /** A plain query string, last value wins (what Resend's servers do with a list call's query). */
    private static Map<String, String> flat(String rawQuery) {
        Map<String, String> out = new LinkedHashMap<>();
        if (rawQuery != null && !rawQuery.isEmpty()) {
            for (String pair : rawQuery.split("&")) {
                int eq = pair.indexOf('=');
                out.put(unescape(eq < 0 ? pair : pair.substring(0, eq)), eq < 0 ? "" : unescape(pair.substring(eq + 1)));
            }
        }
        return out;
    }

    /** JSON with the last of repeated keys winning, flattened to bracket names. */
    static Optional<Map<String, String>> json(byte[] body) {
        JsonNode tree;
        try {
            tree = LENIENT_JSON.readTree(body);
        } catch (IOException e) {
            return Optional.empty();
        }
        Map<String, String> out = new LinkedHashMap<>();
        walk(tree, "", out);
        return Optional.of(out);
    }

    private static void walk(JsonNode node, String name, Map<String, String> out) {
        if (node.isObject()) {
            Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> f = fields.next();
                walk(f.getValue(), child(name, f.getKey()), out);
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                walk(node.get(i), child(name, Integer.toString(i)), out);
            }
        } else {
            out.put(name, node.isNull() ? null : node.asText());
        }
    }

    /** {@code a[b]}; at the top of the document, just {@code b} (a batch's first email is {@code 0[to]}). */
    private static String child(String name, String key) {
        return name.isEmpty() ? key : name + "[" + key + "]";
    }

    /** {@code application/x-www-form-urlencoded} decoding as Rack's {@code unescape}: lenient, UTF-8. */
    static String unescape(String text) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '+') {
                bytes.write(' ');
            } else if (c == '%' && i + 2 < text.length() && hex(text.charAt(i + 1)) >= 0 && hex(text.charAt(i + 2)) >= 0) {
                bytes.write(hex(text.charAt(i + 1)) * 16 + hex(text.charAt(i + 2)));
                i += 2;
            } else {
                bytes.writeBytes(String.valueOf(c).getBytes(StandardCharsets.UTF_8));
            }
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    private static int hex(char c) {
        return Character.digit(c, 16);
    }

    /** The path's segments as the vendor's router decodes them. */
    public static List<String> pathSegments(String rawPath) {
        List<String> segments = new ArrayList<>();
        for (String s : rawPath.substring(1).split("/", -1)) {
            segments.add(unescape(s.replace("+", "%2B")));
        }
        return segments;
    }
}
