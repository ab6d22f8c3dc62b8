package io.keyward.samples.fakevendor;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.keyward.json.Json;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A Stripe form read as Stripe's servers read it (Rack-style): {@code metadata[order_id]} nests,
 * {@code line_items[0][quantity]} makes a list, the last value of a repeated name wins. Amounts and
 * quantities become numbers and {@code true}/{@code false} booleans, as Stripe echoes them;
 * metadata values stay text, as Stripe keeps them.
 */
final class NestedForm {
    private static final Set<String> INTEGERS = Set.of("amount", "amount_to_capture", "application_fee_amount", "unit_amount",
            "quantity", "maximum", "minimum", "balance", "trial_period_days", "days_until_due", "expires_at");

    private NestedForm() {
    }

    static ObjectNode read(List<Map.Entry<String, String>> fields) {
        ObjectNode root = Json.MAPPER.createObjectNode();
        for (Map.Entry<String, String> field : fields) {
            List<String> path = segments(field.getKey());
            ObjectNode at = root;
            for (String step : path.subList(0, path.size() - 1)) {
                if (!(at.get(step) instanceof ObjectNode)) {
                    at.putObject(step);
                }
                at = (ObjectNode) at.get(step);
            }
            at.put(path.get(path.size() - 1), field.getValue());
        }
        return (ObjectNode) typed(root, "", false);
    }

    /** {@code a[b][0]} is {@code [a, b, 0]}. */
    private static List<String> segments(String name) {
        List<String> out = new ArrayList<>();
        int open = name.indexOf('[');
        out.add(open < 0 ? name : name.substring(0, open));
        while (open >= 0) {
            int close = name.indexOf(']', open);
            if (close < 0) {
                break;
            }
            out.add(name.substring(open + 1, close));
            open = name.indexOf('[', close);
        }
        return out;
    }

    private static JsonNode typed(JsonNode node, String name, boolean metadata) {
        if (node.isObject()) {
            boolean inMetadata = metadata || name.equals("metadata");
            if (node.size() > 0 && isList(node)) {
                ArrayNode list = Json.MAPPER.createArrayNode();
                for (int i = 0; i < node.size(); i++) {
                    list.add(typed(node.get(Integer.toString(i)), name, inMetadata));
                }
                return list;
            }
            ObjectNode object = (ObjectNode) node;
            List<String> names = new ArrayList<>();
            object.fieldNames().forEachRemaining(names::add);
            names.forEach(n -> object.set(n, typed(object.get(n), n, inMetadata)));
            return object;
        }
        String text = node.asText();
        if (metadata) {
            return node;
        }
        if (INTEGERS.contains(name) && text.matches("-?[0-9]{1,18}")) {
            return LongNode.valueOf(Long.parseLong(text));
        }
        if (text.equals("true") || text.equals("false")) {
            return BooleanNode.valueOf(text.equals("true"));
        }
        return node;
    }

    private static boolean isList(JsonNode object) {
        Iterator<String> names = object.fieldNames();
        for (int i = 0; names.hasNext(); i++) {
            if (!names.next().equals(Integer.toString(i))) {
                return false;
            }
        }
        return true;
    }
}
