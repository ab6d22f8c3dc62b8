package io.keyward.cli;

import picocli.CommandLine.Option;

/** Where the gateway is, how to prove the operator may act, and how to print. Shared by every command. */
final class GatewayOptions {
    @Option(names = "--url", paramLabel = "URL", description = "the gateway's base URL (env KEYWARD_URL; default http://127.0.0.1:8080)")
    private String url;

    @Option(names = "--token", paramLabel = "TOKEN", description = "an admin token (env KEYWARD_ADMIN_TOKEN, preferred: a flag shows in the process list)")
    private String token;

    @Option(names = "--json", description = "print the gateway's JSON (one object per line) instead of text")
    private boolean json;

    AdminApi api() {
        return new AdminApi(url, token);
    }

    boolean json() {
        return json;
    }
}
