package io.keyward.samples.fakevendor;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * The objects one simulated vendor created, by id, newest kept: a long-running quickstart forgets
 * the oldest instead of growing without bound. Callers hold the simulator's lock.
 */
final class ObjectStore {
    private static final int CAPACITY = 10_000;
    private final Map<String, ObjectNode> objects = new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, ObjectNode> eldest) {
            return size() > CAPACITY;
        }
    };

    ObjectNode put(String id, ObjectNode object) {
        objects.put(id, object);
        return object;
    }

    Optional<ObjectNode> get(String id) {
        return Optional.ofNullable(id == null ? null : objects.get(id));
    }

    Optional<ObjectNode> remove(String id) {
        return Optional.ofNullable(objects.remove(id));
    }

    /** Newest first, as vendors list. */
    List<ObjectNode> where(Predicate<ObjectNode> test) {
        List<ObjectNode> out = new ArrayList<>();
        objects.values().stream().filter(test).forEach(o -> out.add(0, o));
        return out;
    }
}
