package io.keyward.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code keyward unfreeze}: lifts a vendor's (or the global) kill switch; revoked keys stay revoked. */
@Command(name = "unfreeze", description = "Lift the kill switch of a vendor or of all; keys revoked by it stay revoked.")
final class UnfreezeCommand implements Callable<Integer>, GatewayCommand {
    @Mixin GatewayOptions gateway;
    @Spec picocli.CommandLine.Model.CommandSpec spec;
    @ArgGroup(exclusive = true, multiplicity = "1") Target target;
    @Option(names = "--reason", required = true) String reason;

    static final class Target {
        @Option(names = "--vendor") String vendor;
        @Option(names = "--all") boolean all;
    }

    @Override
    public Integer call() {
        ObjectNode body = AdminApi.JSON.createObjectNode();
        KeysCommand.putIfSet(body, "vendor", target.vendor);
        if (target.all) {
            body.put("all", true);
        }
        body.put("reason", reason);
        JsonNode done = gateway.api().post("/unfreeze", body);
        Printer print = new Printer(spec.commandLine().getOut(), gateway.json());
        if (print.json()) {
            print.json(done);
        } else {
            print.fields(done, "unfrozen");
        }
        return ExitCode.OK;
    }

    @Override
    public GatewayOptions gateway() {
        return gateway;
    }
}
