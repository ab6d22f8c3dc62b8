package io.keyward.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code keyward approvals list|approve|deny}: the calls waiting for an operator's yes (scope approve). */
@Command(name = "approvals", description = "List, approve and deny approvals of calls above their policy's approval_above_usd.",
        subcommands = {ApprovalsCommand.ListApprovals.class, ApprovalsCommand.Approve.class, ApprovalsCommand.Deny.class})
final class ApprovalsCommand {
    static final String[] FIELDS = {"id", "state", "agent_name", "agent_run_id", "vendor", "operation", "method", "path",
        "params", "estimated_usd", "threshold_usd", "created_at", "expires_at", "decided_by", "reason"};

    @Command(name = "list", description = "Approvals, newest first (default: the pending ones).")
    static final class ListApprovals extends AdminCommand {
        @Option(names = "--state", defaultValue = "pending", description = "pending, approved, denied or used (default ${DEFAULT-VALUE})")
        String state;
        @Option(names = "--limit", defaultValue = "50") int limit;

        @Override
        public Integer call() {
            Map<String, String> query = new LinkedHashMap<>();
            query.put("state", state);
            Printer print = printer();
            Pages.each(api(), "/approvals", query, limit, approval -> print.show(approval, FIELDS));
            return ExitCode.OK;
        }
    }

    @Command(name = "approve", description = "Approve one: that exact request may then be sent once, before it expires.")
    static final class Approve extends Decide {
        Approve() {
            super("approve");
        }
    }

    @Command(name = "deny", description = "Deny one: the request stays refused.")
    static final class Deny extends Decide {
        Deny() {
            super("deny");
        }
    }

    /** A decision on one pending approval; a decided one answers 409 (exit 1). */
    abstract static class Decide extends AdminCommand {
        private final String verdict;
        @Parameters(paramLabel = "APPROVAL_ID") String id;
        @Option(names = "--reason", description = "kept with the approval and in admin_events") String reason;

        Decide(String verdict) {
            this.verdict = verdict;
        }

        @Override
        public Integer call() {
            ObjectNode body = AdminApi.JSON.createObjectNode();
            KeysCommand.putIfSet(body, "reason", reason);
            printer().show(api().post("/approvals/" + PathSegment.of("APPROVAL_ID", id) + "/" + verdict, body), FIELDS);
            return ExitCode.OK;
        }
    }

    private ApprovalsCommand() {
    }
}
