package io.keyward.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code keyward kill}: the kill switch, by key, agent, run, vendor or everything. */
@Command(name = "kill", description = "Revoke every key of a key id, agent, run or vendor, or all of them;"
        + " a vendor or all also stops every key of it, those issued later too, until unfreeze.")
final class KillCommand extends AdminCommand {
    @ArgGroup(exclusive = true, multiplicity = "1") Target target;
    @Option(names = "--reason", required = true, description = "why: kept in the keys and admin_events") String reason;

    static final class Target {
        @Option(names = "--key", paramLabel = "KEY_ID") String key;
        @Option(names = "--agent") String agent;
        @Option(names = "--run") String run;
        @Option(names = "--vendor") String vendor;
        @Option(names = "--all", description = "every key of every vendor") boolean all;
    }

    @Override
    public Integer call() {
        ObjectNode body = AdminApi.JSON.createObjectNode();
        KeysCommand.putIfSet(body, "key_id", target.key);
        KeysCommand.putIfSet(body, "agent_name", target.agent);
        KeysCommand.putIfSet(body, "agent_run_id", target.run);
        KeysCommand.putIfSet(body, "vendor", target.vendor);
        if (target.all) {
            body.put("all", true);
        }
        body.put("reason", reason);
        printer().show(api().post("/revoke", body), "revoked", "kill_switch");
        return ExitCode.OK;
    }
}
