package io.keyward.gateway;

import io.keyward.store.CallQuery;
import io.keyward.store.CallRow;
import io.keyward.testing.TestGateway;
import java.util.List;

/** Reads back the audit rows a test's calls produced. */
final class CallAudit {
    private CallAudit() {
    }

    static CallRow byRequestId(TestGateway gateway, String requestId) throws InterruptedException {
        gateway.flushAudit();
        List<CallRow> rows = gateway.keyward().store().calls().list(new CallQuery(null, null, null, null, null, null, null, null, 500));
        return rows.stream().filter(r -> r.requestId().equals(requestId)).findFirst()
                .orElseThrow(() -> new AssertionError("no calls row for request " + requestId));
    }
}
