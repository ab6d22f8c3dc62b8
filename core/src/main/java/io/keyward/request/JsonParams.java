package io.keyward.request;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import io.keyward.decision.Code;
import io.keyward.decision.Refusal;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Flattens a JSON body into parameters: each scalar leaf becomes one {@link Param} named by its
 * path ({@code to[0]}, {@code [2][from]}). Duplicate keys are refused: vendors differ on whether
 * the first or the last one counts, and the policy must read the same value as the vendor.
 */
final class JsonParams {
    private static final int MAX_DEPTH = 32;
    private static final JsonFactory FACTORY = JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH).build())
            .build();

    private JsonParams() {
    }

    static List<Param> parse(byte[] body) {
        List<Param> params = new ArrayList<>();
        FormParser.utf8(body, Param.Source.BODY);
        try (JsonParser p = FACTORY.createParser(body)) {
            JsonToken first = p.nextToken();
            if (first != JsonToken.START_OBJECT && first != JsonToken.START_ARRAY) {
                throw malformed("must be a JSON object or array");
            }
            walk(p, first, new ArrayList<>(), params);
            if (p.nextToken() != null) {
                throw malformed("has data after the JSON value");
            }
        } catch (IOException e) {
            throw malformed("is not valid JSON (or repeats a key)");
        }
        return params;
    }

    private static void walk(JsonParser p, JsonToken token, List<String> path, List<Param> out) throws IOException {
        switch (token) {
            case START_OBJECT -> {
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    path.add(p.currentName());
                    walk(p, p.nextToken(), path, out);
                    path.remove(path.size() - 1);
                }
            }
            case START_ARRAY -> {
                int index = 0;
                for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
                    path.add(Integer.toString(index++));
                    walk(p, t, path, out);
                    path.remove(path.size() - 1);
                }
            }
            case VALUE_NULL -> out.add(new Param(Param.Source.BODY, new ParamName(path), null));
            default -> out.add(new Param(Param.Source.BODY, new ParamName(path), p.getText()));
        }
    }

    private static Refusal malformed(String what) {
        return new Refusal(Code.DENIED_MALFORMED, 400, "the JSON body " + what, "request.body");
    }
}
