package io.keyward.admin;

import jakarta.servlet.http.HttpServletRequest;
import java.util.Map;
import java.util.Set;

/** The query parameters of a listing: only known names, each at most once. */
final class QueryParams {
    static final int DEFAULT_LIMIT = 50;
    static final int MAX_LIMIT = 500;
    private final Map<String, String[]> params;

    private QueryParams(Map<String, String[]> params) {
        this.params = params;
    }

    static QueryParams of(HttpServletRequest request, Set<String> known) {
        Map<String, String[]> params = request.getParameterMap();
        for (Map.Entry<String, String[]> e : params.entrySet()) {
            if (!known.contains(e.getKey())) {
                throw new AdminInputException(e.getKey(), "unknown query parameter; known: " + String.join(", ", known.stream().sorted().toList()));
            }
            if (e.getValue().length > 1) {
                throw new AdminInputException(e.getKey(), "given more than once");
            }
        }
        return new QueryParams(params);
    }

    /** The value, or null when absent or empty. */
    String text(String name) {
        String[] values = params.get(name);
        return values == null || values[0].isEmpty() ? null : values[0];
    }

    int limit() {
        String text = text("limit");
        if (text == null) {
            return DEFAULT_LIMIT;
        }
        try {
            int limit = Integer.parseInt(text);
            if (limit >= 1 && limit <= MAX_LIMIT) {
                return limit;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw new AdminInputException("limit", "must be a whole number from 1 to " + MAX_LIMIT);
    }
}
