package io.keyward.admin;

import java.util.List;
import java.util.function.Function;

/** One page of a listing and the cursor for the next one (null on the last page). */
record Page<T>(List<T> items, String nextCursor) {

    /** @param fetched up to {@code limit + 1} rows; the extra row only says that another page exists */
    static <T> Page<T> of(List<T> fetched, int limit, Function<T, String> cursorOf) {
        if (fetched.size() <= limit) {
            return new Page<>(fetched, null);
        }
        List<T> items = fetched.subList(0, limit);
        return new Page<>(items, cursorOf.apply(items.get(limit - 1)));
    }
}
