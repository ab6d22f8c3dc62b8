package io.keyward.contract;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A vendor's operations: looked up by SDK name (policies) or by method and path (requests). */
public final class Catalog {
    private final List<Operation> operations;
    private final Map<String, Operation> byName;
    private final boolean optionalJsonSuffix;

    private Catalog(List<Operation> operations, boolean optionalJsonSuffix) {
        // Most literal first, so /v1/payment_intents/search wins over /v1/payment_intents/{intent}.
        List<Operation> sorted = new ArrayList<>(operations);
        sorted.sort(Comparator.comparingInt((Operation o) -> -o.path().literalSegments()));
        this.operations = List.copyOf(sorted);
        Map<String, Operation> names = new LinkedHashMap<>();
        operations.forEach(o -> names.put(o.name(), o));
        this.byName = Map.copyOf(names);
        this.optionalJsonSuffix = optionalJsonSuffix;
    }

    /** An operation and the path variables of the call that matched it. */
    public record Match(Operation operation, Map<String, String> pathVariables) {
    }

    public Optional<Match> find(String method, List<String> pathSegments) {
        for (Operation op : operations) {
            if (op.method().equals(method)) {
                Optional<Map<String, String>> vars = op.path().match(pathSegments);
                if (vars.isPresent()) {
                    return Optional.of(new Match(op, vars.get()));
                }
            }
        }
        return Optional.empty();
    }

    public Optional<Operation> named(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    public List<Operation> operations() {
        return operations;
    }

    /** Whether Twilio's optional {@code .json} suffix applies to this vendor's paths. */
    public boolean optionalJsonSuffix() {
        return optionalJsonSuffix;
    }

    /** Starts a catalog whose operations take {@code body} unless {@link Builder#body} says otherwise. */
    public static Builder builder(BodyFormat body, boolean optionalJsonSuffix) {
        return new Builder(body, optionalJsonSuffix);
    }

    /** Lists a vendor's operations in its SDKs' names. */
    public static final class Builder {
        private final List<Operation> operations = new ArrayList<>();
        private final boolean optionalJsonSuffix;
        private BodyFormat body;

        private Builder(BodyFormat body, boolean optionalJsonSuffix) {
            this.body = body;
            this.optionalJsonSuffix = optionalJsonSuffix;
        }

        public Builder body(BodyFormat format) {
            this.body = format;
            return this;
        }

        public Builder money(String name, String method, String path) {
            return add(name, method, path, true);
        }

        public Builder op(String name, String method, String path) {
            return add(name, method, path, false);
        }

        public Builder read(String name, String path) {
            return add(name, "GET", path, false);
        }

        private Builder add(String name, String method, String path, boolean moneyMoving) {
            operations.add(new Operation(name, method, PathTemplate.of(path, optionalJsonSuffix), body, moneyMoving));
            return this;
        }

        public Catalog build() {
            return new Catalog(operations, optionalJsonSuffix);
        }
    }
}
