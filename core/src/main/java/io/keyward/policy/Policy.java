package io.keyward.policy;

import io.keyward.vendor.Catalog;
import io.keyward.vendor.Operation;
import java.util.ArrayList;
import java.util.List;

/** A key's compiled policy: the allow entries in order. Anything no entry allows is refused. */
public record Policy(List<AllowEntry> entries) {

    public Policy {
        entries = List.copyOf(entries);
    }

    /** What a key issued without a policy may do: the vendor's read-only operations, nothing else. */
    static Policy readOnly(Catalog catalog) {
        List<AllowEntry> entries = new ArrayList<>();
        for (Operation op : catalog.operations()) {
            if (op.readOnly()) {
                entries.add(new AllowEntry("default:" + op.name(), op.name(), null, null, List.of()));
            }
        }
        return new Policy(entries);
    }
}
