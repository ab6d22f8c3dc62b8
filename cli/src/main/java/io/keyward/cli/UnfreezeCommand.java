package io.keyward.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code keyward unfreeze}: lifts a vendor's (or the global) kill switch; revoked keys stay revoked. */
@Command(name = "unfreeze", description = "Lift the kill switch of a vendor or of all; keys revoked by it stay revoked.")
final class UnfreezeCommand extends AdminCommand {
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
        printer().show(api().post("/unfreeze", body), "unfrozen");
        return ExitCode.OK;
    }
}
