package io.keyward.request;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.keyward.contract.Param;
import io.keyward.contract.ParamName;
import io.keyward.decision.Code;
import io.keyward.decision.Refusal;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Reads a JSON body into a tree, then flattens it into parameters: each scalar leaf becomes one
 * {@link Param} named by its path ({@code to[0]}, {@code [2][from]}). Duplicate keys are refused:
 * vendors differ on whether the first or the last one counts (Resend's, like JavaScript's
 * {@code JSON.parse}, takes the last), and the policy must read the same value as the vendor.
 */
final class JsonParams {
    private static final int MAX_DEPTH = FormParser.MAX_DEPTH;
    private static final ObjectMapper STRICT = JsonMapper.builder(JsonFactory.builder()
                    .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                    .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH).build())
                    .build())
            .enable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private JsonParams() {
    }

    /** The body as a JSON object or array. */
    static JsonNode read(byte[] body) {
        // Parsed from the strictly decoded text, not the bytes: given bytes, Jackson guesses UTF-16 or
        // UTF-32 from NULs near the start, and would read a document the vendor (reading UTF-8) never sees.
        String text = FormParser.utf8(body, Param.Source.BODY);
        JsonNode tree;
        try {
            tree = STRICT.readTree(text);
        } catch (IOException e) {
            throw malformed("is not valid JSON, repeats a key, or nests deeper than " + MAX_DEPTH);
        }
        if (tree == null || !tree.isContainerNode()) {
            throw malformed("must be a JSON object or array");
        }
        return tree;
    }

    static List<Param> flatten(JsonNode tree) {
        List<Param> out = new ArrayList<>();
        walk(tree, new ArrayList<>(), out);
        return out;
    }

    private static void walk(JsonNode node, List<String> path, List<Param> out) {
        if (node.isObject()) {
            Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> f = fields.next();
                path.add(f.getKey());
                walk(f.getValue(), path, out);
                path.remove(path.size() - 1);
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                path.add(Integer.toString(i));
                walk(node.get(i), path, out);
                path.remove(path.size() - 1);
            }
        } else {
            out.add(new Param(Param.Source.BODY, new ParamName(path), node.isNull() ? null : node.asText()));
        }
    }

    private static Refusal malformed(String what) {
        return new Refusal(Code.DENIED_MALFORMED, 400, "the JSON body " + what, "request.body");
    }
}
