package io.keyward.cli;

/** A command that talks to the gateway: its options say where and how to print. */
interface GatewayCommand {
    GatewayOptions gateway();
}
