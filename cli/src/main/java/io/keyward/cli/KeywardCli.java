package io.keyward.cli;

import java.io.PrintWriter;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code keyward}: the operator's command line. It speaks only the gateway's admin API, so it
 * needs nothing but the gateway's URL and an admin token holding the scopes the command needs.
 */
@Command(name = "keyward", mixinStandardHelpOptions = true, version = "keyward-cli 0.1.0",
        description = "Operate a Keyward gateway through its admin API.%n"
                + "The gateway URL and token come from --url/--token or KEYWARD_URL/KEYWARD_ADMIN_TOKEN.",
        subcommands = {KeysCommand.class, KillCommand.class, UnfreezeCommand.class, CallsCommand.class, SpendCommand.class,
            ApprovalsCommand.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:done",
            "1:the gateway refused the request (bad input, a conflict)",
            "2:usage: a wrong command line, or no token",
            "3:the token is wrong or lacks the scope",
            "4:not found (no such key, or no admin API there)",
            "5:the gateway could not be reached or answer"})
public final class KeywardCli {
    private KeywardCli() {
    }

    public static void main(String[] args) {
        System.exit(run(System.getenv(), new PrintWriter(System.out, true), new PrintWriter(System.err, true), args));
    }

    /** Runs one command line with this environment; what it prints goes to {@code out} and {@code err}. */
    static int run(Map<String, String> env, PrintWriter out, PrintWriter err, String... args) {
        CommandLine cli = new CommandLine(new KeywardCli());
        // "@file" is this CLI's own spelling for a JSON argument read from a file (--policy @policy.json),
        // not picocli's argument files.
        cli.setExpandAtFiles(false);
        cli.setOut(out);
        cli.setErr(err);
        cli.setDefaultValueProvider(new CommandLine.PropertiesDefaultProvider(new java.util.Properties()) {
            @Override
            public String defaultValue(CommandLine.Model.ArgSpec arg) {
                // Only the gateway options read the environment: a token belongs there, not on a
                // command line that every user of the machine can read in the process list.
                if (arg.isOption() && ((CommandLine.Model.OptionSpec) arg).longestName().equals("--url")) {
                    return env.getOrDefault("KEYWARD_URL", "http://127.0.0.1:8080");
                }
                if (arg.isOption() && ((CommandLine.Model.OptionSpec) arg).longestName().equals("--token")) {
                    return env.get("KEYWARD_ADMIN_TOKEN");
                }
                return null;
            }
        });
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            if (e instanceof ApiFailure failure) {
                GatewayOptions options = commandLine.getCommand() instanceof GatewayCommand command ? command.gateway() : null;
                if (options != null && options.json() && failure.error() != null) {
                    commandLine.getOut().println(failure.error());
                }
                commandLine.getErr().println("keyward: " + failure.getMessage());
                return failure.exitCode();
            }
            throw e;
        });
        return cli.execute(args);
    }
}
