package io.keyward.approval;

import io.keyward.store.ApprovalRepository;
import org.slf4j.LoggerFactory;

/**
 * The approval a call rides on, taken for it alone; {@link #NONE} for a call that needed none. A
 * call refused before it is sent gives its approval back, so the operator's yes is not spent on a
 * call the vendor never saw.
 */
public final class Approval {
    public static final Approval NONE = new Approval(null, null, null);
    private final ApprovalRepository store;
    private final String id;
    private final String requestId;

    Approval(ApprovalRepository store, String id, String requestId) {
        this.store = store;
        this.id = id;
        this.requestId = requestId;
    }

    /** Best effort: when the database cannot take it back now, the approval stays used (the safe side). */
    public void giveBack() {
        if (id == null) {
            return;
        }
        try {
            store.giveBack(requestId);
        } catch (RuntimeException e) {
            LoggerFactory.getLogger(Approval.class).warn("Approval {} stays used: it could not be given back ({})", id, e.getClass().getSimpleName());
        }
    }
}
