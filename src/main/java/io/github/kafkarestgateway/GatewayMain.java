package io.github.kafkarestgateway;

import org.apache.camel.main.Main;
import org.slf4j.LoggerFactory;

/** Runs the gateway: the routes and properties of {@code routes/} on Camel Main. */
public final class GatewayMain {

    private GatewayMain() {
    }

    public static void main(String[] args) {
        Main main = new Main();
        configure(main, System.getProperty("gateway.routes-dir", "routes"));
        int exitCode;
        try {
            exitCode = main.run(args);
        } catch (Exception e) {
            LoggerFactory.getLogger(GatewayMain.class).error("The gateway failed to start", e);
            exitCode = 1;
        }
        // the embedded broker's threads must not keep a stopped or failed gateway alive
        System.exit(exitCode);
    }

    /** Where the routes and properties come from; kept out of application.properties, which JBang shares. */
    static void configure(Main main, String routesDir) {
        main.setPropertyPlaceholderLocations("file:" + routesDir + "/application.properties");
        main.configure().withRoutesIncludePattern("file:" + routesDir + "/*.camel.yaml");
        main.configure().addConfiguration(GatewayConfiguration.class);
    }
}
