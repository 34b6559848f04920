package io.github.kafkarestgateway;

import io.github.kafkarestgateway.auth.CertificatesTool;
import io.github.kafkarestgateway.auth.CredentialsTool;
import io.github.kafkarestgateway.cli.CommandLines;
import io.github.kafkarestgateway.deadletter.DeadLetterTool;
import picocli.CommandLine.Command;

/**
 * {@code gateway}, the one command an operator types ({@code bin/gateway} runs it with the built jar): {@code run}
 * the gateway, and the tools {@code credentials}, {@code certificates} and {@code dead-letters}. Each is a picocli
 * command of its own package; {@link CommandLines} makes their help, errors and exit statuses alike.
 */
@Command(name = "gateway",
        description = {"The Kafka REST producer gateway and its operator tools. Paths are relative to the working"
                + " directory, which holds routes/, data/ and certs/ (the repository root)."},
        subcommands = {RunCommand.class, CredentialsTool.class, CertificatesTool.class, DeadLetterTool.class},
        footer = {"", "'gateway COMMAND --help' tells a command's sub-commands and options. Exit status: 0 done,"
                + " 1 failed, 2 wrong arguments."})
public final class GatewayCommand implements CommandLines.Suite {

    public static void main(String[] args) {
        // System.exit: after the run command, the embedded broker's threads would keep the JVM alive
        System.exit(CommandLines.of(new GatewayCommand()).execute(args));
    }
}
