package io.github.kafkarestgateway.testing;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

import io.github.kafkarestgateway.settings.Setting;

/**
 * What the container image (the pom's profile {@code image}) promises its deployments: where the gateway runs, as
 * whom, and which properties it reads. {@code ImageIT} holds the built image to it and {@code DeployManifestsTest}
 * the Kubernetes manifests, so that the two agree through it.
 */
public final class ContainerImage {

    /** The working directory: the routes' relative paths ({@code routes/}, {@code data/}) are under it. */
    public static final Path WORKING_DIR = Path.of("/app");
    /** The user and group the gateway runs as (not root), by number. */
    public static final int USER_ID = 10001;
    /** The variable naming the properties file laid over application.properties, and the file it names. */
    public static final String PROFILE_VARIABLE = "CAMEL_MAIN_OVERRIDE_PROPERTIES_LOCATION";
    public static final String PROFILE_LOCATION = "file:routes/application-prod.properties";
    private static final Path ROUTES = Path.of("routes");

    private ContainerImage() {
    }

    /** The value the image's gateway takes for a setting: the environment, then the production profile, then the rest. */
    public static String effective(Setting setting, Map<String, String> environment) {
        String fromEnvironment = environment.get(environmentName(setting.key()));
        if (fromEnvironment != null) {
            return fromEnvironment.trim();
        }
        Properties profile = load(ROUTES.resolve(PROFILE_LOCATION.substring(PROFILE_LOCATION.lastIndexOf('/') + 1)));
        if (profile.containsKey(setting.key())) {
            return profile.getProperty(setting.key()).trim();
        }
        Properties base = load(ROUTES.resolve("application.properties"));
        return base.getProperty(setting.key(), setting.defaultValue()).trim();
    }

    /** The environment variable of a property, as Camel reads it: upper case, '.' and '-' as '_'. */
    public static String environmentName(String key) {
        return key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    /** A file the gateway is configured with, where it is in the container. */
    public static Path inContainer(String configuredPath) {
        return WORKING_DIR.resolve(configuredPath).normalize();
    }

    private static Properties load(Path file) {
        Properties properties = new Properties();
        try (Reader in = Files.newBufferedReader(file)) {
            properties.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return properties;
    }
}
