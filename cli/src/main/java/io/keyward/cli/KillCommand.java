package io.keyward.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code keyward kill}: the kill switch, by key, agent, run, vendor or everything. */
@Command(name = "kill", description = "Revoke every key of a key id, agent, run or vendor, or all of them;"
        + " a vendor or all also stops new keys until unfreeze.")
final class KillCommand implements Callable<Integer>, GatewayCommand {
    @Mixin GatewayOptions gateway;
    @Spec picocli.CommandLine.Model.CommandSpec spec;
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
        JsonNode done = gateway.api().post("/revoke", body);
        Printer print = new Printer(spec.commandLine().getOut(), gateway.json());
        if (print.json()) {
            print.json(done);
        } else {
            print.fields(done, "revoked", "kill_switch");
        }
        return ExitCode.OK;
    }

    @Override
    public GatewayOptions gateway() {
        return gateway;
    }
}
