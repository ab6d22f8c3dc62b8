package io.keyward.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code keyward calls list|tail}: the audit rows, newest first, or followed as they land. */
@Command(name = "calls", description = "The calls feed: every call's audit row, allowed or refused.",
        subcommands = {CallsCommand.ListCalls.class, CallsCommand.Tail.class})
final class CallsCommand {
    static final String[] CALL_FIELDS = {"ts", "policy_check_result", "agent_name", "agent_run_id", "vendor", "operation", "method",
        "path", "upstream_status", "amount_usd", "rule", "reason", "request_id"};

    /** The filters the admin API's calls list takes. */
    static final class Filters {
        @Option(names = "--agent") String agent;
        @Option(names = "--run") String run;
        @Option(names = "--key", paramLabel = "KEY_ID") String key;
        @Option(names = "--vendor") String vendor;
        @Option(names = "--result", description = "allowed, or a refusal code such as denied_spend_cap") String result;

        Map<String, String> query() {
            Map<String, String> q = new LinkedHashMap<>();
            q.put("agent_name", agent);
            q.put("agent_run_id", run);
            q.put("key_id", key);
            q.put("vendor", vendor);
            q.put("result", result);
            return q;
        }
    }

    @Command(name = "list", description = "Audit rows, newest first.")
    static final class ListCalls extends AdminCommand {
        @Mixin Filters filters;
        @Option(names = "--limit", defaultValue = "50") int limit;

        @Override
        public Integer call() {
            Printer print = printer();
            Pages.each(api(), "/calls", filters.query(), limit, row -> print.show(row, CALL_FIELDS));
            return ExitCode.OK;
        }
    }

    /**
     * Follows new rows, oldest first. Rows are written by each node's audit writer a little after
     * their call, so a row may land with a time older than one already shown: every poll reads
     * back {@code --lag} before the newest row seen and prints what it has not shown yet.
     */
    @Command(name = "tail", description = "Follow new audit rows as they land (Ctrl-C to stop).")
    static final class Tail extends AdminCommand {
        @Mixin Filters filters;
        @Option(names = "--backlog", defaultValue = "10", description = "recent rows shown first (default ${DEFAULT-VALUE})") int backlog;
        @Option(names = "--interval", defaultValue = "1s", description = "how often to ask (default ${DEFAULT-VALUE})") String interval;
        @Option(names = "--lag", defaultValue = "30s", description = "how late a row may land and still be shown (default ${DEFAULT-VALUE})")
        String lag;

        @Override
        public Integer call() {
            Duration every = Durations.parse("--interval", interval);
            Duration late = Durations.parse("--lag", lag);
            AdminApi api = api();
            Printer print = printer();
            Map<String, Instant> shown = new HashMap<>();
            Instant newest = null;
            List<JsonNode> fresh = new ArrayList<>();
            if (backlog > 0) {
                Pages.each(api, "/calls", filters.query(), backlog, fresh::add);
            }
            while (!Thread.currentThread().isInterrupted()) {
                fresh.sort(Comparator.comparing((JsonNode row) -> row.path("ts").asText()).thenComparingLong(row -> row.path("id").asLong()));
                for (JsonNode row : fresh) {
                    Instant ts = Instant.parse(row.path("ts").asText());
                    if (shown.putIfAbsent(row.path("request_id").asText(), ts) == null) {
                        print.show(row, CALL_FIELDS);
                        newest = newest == null || ts.isAfter(newest) ? ts : newest;
                    }
                }
                spec.commandLine().getOut().flush();
                if (newest != null) {
                    Instant forgetBefore = newest.minus(late);
                    shown.values().removeIf(ts -> ts.isBefore(forgetBefore));
                }
                try {
                    Thread.sleep(every.toMillis());
                } catch (InterruptedException e) {
                    break;
                }
                Map<String, String> query = filters.query();
                // The first poll without a backlog starts from now as the gateway sees it: rows from here on.
                query.put("since", newest == null ? null : newest.minus(late).toString());
                fresh = new ArrayList<>();
                try {
                    Pages.each(api, "/calls", query, newest == null ? Math.max(1, backlog) : 100_000, fresh::add);
                } catch (ApiFailure e) {
                    if (Thread.currentThread().isInterrupted()) {
                        break; // stopped while asking: the end of the tail, not a failure
                    }
                    throw e;
                }
            }
            return ExitCode.OK;
        }
    }

    private CallsCommand() {
    }
}
