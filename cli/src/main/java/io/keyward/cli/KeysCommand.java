package io.keyward.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code keyward keys issue|list|show|revoke}. */
@Command(name = "keys", description = "Issue, list, show and revoke vault keys.",
        subcommands = {KeysCommand.Issue.class, KeysCommand.ListKeys.class, KeysCommand.Show.class, KeysCommand.Revoke.class})
final class KeysCommand {
    static final String[] KEY_FIELDS = {"id", "vendor", "agent_name", "agent_run_id", "state", "expires_at", "daily_usd_cap",
        "run_usd_cap", "revoked_reason"};

    @Command(name = "issue", description = "Issue a vault key; its text is printed once, here only.")
    static final class Issue extends AdminCommand {
        @Option(names = "--vendor", required = true, description = "stripe, twilio, resend, ...") String vendor;
        @Option(names = "--agent", required = true, description = "the agent's name") String agent;
        @Option(names = "--run", description = "the agent run id") String run;
        @Option(names = "--expires-in", description = "30s, 30m, 8h, 7d") String expiresIn;
        @Option(names = "--daily-cap", paramLabel = "USD", description = "daily spend cap, e.g. 50.00") String dailyCap;
        @Option(names = "--run-cap", paramLabel = "USD", description = "spend cap for the run") String runCap;
        @Option(names = "--policy", paramLabel = "JSON", description = "the policy as JSON, or @file to read it from a file") String policy;
        @Option(names = "--metadata", paramLabel = "JSON", description = "metadata as a JSON object, or @file") String metadata;

        @Override
        public Integer call() throws Exception {
            ObjectNode body = AdminApi.JSON.createObjectNode();
            body.put("vendor", vendor);
            body.put("agent_name", agent);
            putIfSet(body, "agent_run_id", run);
            putIfSet(body, "expires_in", expiresIn);
            putIfSet(body, "daily_usd_cap", dailyCap);
            putIfSet(body, "run_usd_cap", runCap);
            if (policy != null) {
                body.set("policy", JsonArgument.read("--policy", policy));
            }
            if (metadata != null) {
                body.set("metadata", JsonArgument.read("--metadata", metadata));
            }
            JsonNode key = api().post("/keys", body);
            Printer print = printer();
            print.show(key, KEY_FIELDS);
            if (!print.json()) {
                print.line("key=" + key.path("key").asText());
            }
            return ExitCode.OK;
        }
    }

    @Command(name = "list", description = "List keys, newest first.")
    static final class ListKeys extends AdminCommand {
        @Option(names = "--agent") String agent;
        @Option(names = "--run") String run;
        @Option(names = "--vendor") String vendor;
        @Option(names = "--state", description = "active, revoked or expired") String state;
        @Option(names = "--limit", defaultValue = "50", description = "at most this many (default ${DEFAULT-VALUE})") int limit;

        @Override
        public Integer call() {
            Map<String, String> filters = new LinkedHashMap<>();
            filters.put("agent_name", agent);
            filters.put("agent_run_id", run);
            filters.put("vendor", vendor);
            filters.put("state", state);
            Printer print = printer();
            Pages.each(api(), "/keys", filters, limit, key -> print.show(key, KEY_FIELDS));
            return ExitCode.OK;
        }
    }

    @Command(name = "show", description = "Show one key (never its text).")
    static final class Show extends AdminCommand {
        @Parameters(paramLabel = "KEY_ID") String id;

        @Override
        public Integer call() {
            printer().show(api().get("/keys/" + PathSegment.of("KEY_ID", id), Map.of()), KEY_FIELDS);
            return ExitCode.OK;
        }
    }

    @Command(name = "revoke", description = "Revoke one key: its next call is refused 401.")
    static final class Revoke extends AdminCommand {
        @Parameters(paramLabel = "KEY_ID") String id;
        @Option(names = "--reason") String reason;

        @Override
        public Integer call() {
            ObjectNode body = AdminApi.JSON.createObjectNode();
            putIfSet(body, "reason", reason);
            printer().show(api().post("/keys/" + PathSegment.of("KEY_ID", id) + "/revoke", body), "id", "state", "revoked_at", "revoked_reason");
            return ExitCode.OK;
        }
    }

    static void putIfSet(ObjectNode body, String field, String value) {
        if (value != null) {
            body.put(field, value);
        }
    }

    private KeysCommand() {
    }
}
