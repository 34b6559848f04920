package io.github.kafkarestgateway;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;

/**
 * {@code gateway run}: the gateway itself ({@link GatewayMain}), from the routes and settings of the working
 * directory. It has no options of its own: settings come from {@code routes/application.properties}, the environment
 * and {@code -D} system properties, as README's Configuration says; {@code bin/gateway} gives it the JVM settings of
 * the build ({@code gateway.jvm-options}).
 */
@Command(name = "run",
        description = {"Runs the gateway: the routes and settings of routes/ (each setting can be overridden by an"
                + " environment variable, e.g. GATEWAY_HTTP_PORT, or by -D in JAVA_OPTS). With no Kafka cluster"
                + " configured (kafka.bootstrap.servers) it starts an embedded broker with its data in data/kafka."
                + " When ready it prints the endpoint, the certificate to trust and, on first start, a development"
                + " key. Ctrl-C or SIGTERM stops it gracefully."})
final class RunCommand implements Callable<Integer> {

    @Override
    public Integer call() {
        Path routes = GatewayMain.routesDir();
        if (!Files.isRegularFile(routes.resolve("application.properties"))) {
            throw new IllegalStateException("no " + routes.resolve("application.properties") + " in "
                    + Path.of("").toAbsolutePath() + ": run it in the directory that holds routes/ (the repository"
                    + " root), or name the folder with -Dgateway.routes-dir in JAVA_OPTS");
        }
        return GatewayMain.run(routes);
    }
}
