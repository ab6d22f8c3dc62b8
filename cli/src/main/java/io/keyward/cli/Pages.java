package io.keyward.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

/** Follows the admin API's {@code next_cursor} until {@code limit} items were seen or the last page. */
final class Pages {
    private static final int PAGE = 500;

    private Pages() {
    }

    static void each(AdminApi api, String path, Map<String, String> filters, int limit, Consumer<JsonNode> item) {
        if (limit < 1) {
            throw new ApiFailure(ExitCode.USAGE, "--limit must be at least 1");
        }
        int seen = 0;
        String cursor = null;
        do {
            Map<String, String> query = new LinkedHashMap<>(filters);
            query.put("limit", String.valueOf(Math.min(PAGE, limit - seen)));
            query.put("cursor", cursor);
            JsonNode page = api.get(path, query);
            for (JsonNode node : page.path("items")) {
                item.accept(node);
                seen++;
            }
            cursor = page.path("next_cursor").isTextual() ? page.path("next_cursor").asText() : null;
        } while (cursor != null && seen < limit);
    }
}
