package io.keyward.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** A command that makes admin API calls: where the gateway is, the token, and how to print what it answers. */
abstract class AdminCommand implements Callable<Integer>, GatewayCommand {
    @Mixin GatewayOptions gateway;
    @Spec CommandSpec spec;

    @Override
    public GatewayOptions gateway() {
        return gateway;
    }

    AdminApi api() {
        return gateway.api();
    }

    Printer printer() {
        return new Printer(spec.commandLine().getOut(), gateway.json());
    }
}
