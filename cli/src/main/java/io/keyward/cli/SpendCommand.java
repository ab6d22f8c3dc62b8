package io.keyward.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code keyward spend}: one budget's day, as the ledger holds it. */
@Command(name = "spend", description = "Show a key's, agent's or run's spend for a day: cap, spent, reserved, remaining.")
final class SpendCommand extends AdminCommand {
    @ArgGroup(exclusive = true, multiplicity = "1") Target target;
    @Option(names = "--day", paramLabel = "YYYY-MM-DD", description = "default: today (UTC)") String day;

    static final class Target {
        @Option(names = "--key", paramLabel = "KEY_ID") String key;
        @Option(names = "--agent") String agent;
        @Option(names = "--run") String run;
    }

    @Override
    public Integer call() {
        Map<String, String> query = new LinkedHashMap<>();
        query.put("key_id", target.key);
        query.put("agent_name", target.agent);
        query.put("agent_run_id", target.run);
        query.put("day", day);
        printer().show(api().get("/spend", query), "scope", "day", "cap_usd", "spent_usd", "reserved_usd", "remaining_usd", "resets_at");
        return ExitCode.OK;
    }
}
