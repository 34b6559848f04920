package io.github.kafkarestgateway;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.github.kafkarestgateway.auth.AuthSettings;
import io.github.kafkarestgateway.deadletter.DeadLetterSettings;
import io.github.kafkarestgateway.http.HttpSettings;
import io.github.kafkarestgateway.kafka.KafkaSettings;
import io.github.kafkarestgateway.settings.Setting;
import io.github.kafkarestgateway.testing.ContainerImage;
import io.github.kafkarestgateway.testing.GatewayProcess;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Kubernetes manifests of {@code deploy/} (a kustomize base) against what the gateway in the image will read: the
 * properties of {@code routes/} with the production profile, and the environment the manifests set. This fails when a
 * port, a probe path, a mounted file, a setting's name, the grace period or the memory limit disagrees with them.
 * Plain file parsing: no cluster, no kubectl.
 */
class DeployManifestsTest {

    private static final Path DEPLOY = Path.of("deploy");
    private static final Path HEALTH_ROUTES = Path.of("routes/health.camel.yaml");
    private static final String API_PORT_NAME = "api";
    private static final String MANAGEMENT_PORT_NAME = "management";
    /** The keys of a {@code kubernetes.io/tls} Secret, and the CA that cert-manager adds. */
    private static final Set<String> TLS_SECRET_KEYS = Set.of("tls.crt", "tls.key", "ca.crt");
    /** The JVM options that bound its memory (heap, direct buffers, compiled code, class metadata). */
    private static final Pattern MEMORY_BOUND = Pattern.compile(
            "-(?:Xmx|XX:MaxDirectMemorySize=|XX:ReservedCodeCacheSize=|XX:MaxMetaspaceSize=)(\\d+)([kKmMgG]?)");
    private static final YAMLMapper YAML = new YAMLMapper();

    private static Map<String, JsonNode> resources;
    private static JsonNode statefulSet;
    private static JsonNode pod;
    private static JsonNode container;
    private static Map<String, String> environment;

    @BeforeAll
    static void readManifests() throws IOException {
        resources = new LinkedHashMap<>();
        for (JsonNode resource : resourceFiles().stream().flatMap(DeployManifestsTest::documents).toList()) {
            resources.put(resource.path("kind").asText() + "/" + resource.path("metadata").path("name").asText(),
                    resource);
        }
        statefulSet = resource("StatefulSet/kafka-rest-gateway");
        pod = statefulSet.path("spec").path("template");
        JsonNode containers = pod.path("spec").path("containers");
        assertEquals(1, containers.size(), "the pod runs the gateway alone");
        container = containers.get(0);
        environment = new LinkedHashMap<>();
        for (JsonNode generator : kustomization().path("configMapGenerator")) {
            for (JsonNode file : generator.path("envs")) {
                environment.putAll(envFile(DEPLOY.resolve(file.asText())));
            }
        }
        for (JsonNode variable : container.path("env")) {
            assertTrue(variable.has("value"), "env " + variable.path("name").asText() + " has a plain value");
            environment.put(variable.path("name").asText(), variable.path("value").asText());
        }
    }

    @Test
    void everyManifestIsInTheKustomization() throws IOException {
        Set<String> listed = new TreeSet<>();
        kustomization().path("resources").forEach(r -> listed.add(r.asText()));
        Set<String> files;
        try (Stream<Path> all = Files.list(DEPLOY)) {
            files = all.map(p -> p.getFileName().toString())
                    .filter(name -> name.endsWith(".yaml") && !name.equals("kustomization.yaml"))
                    .collect(Collectors.toCollection(TreeSet::new));
        }
        assertEquals(files, listed, "deploy/kustomization.yaml's resources are the manifests in deploy/");
        assertTrue(kustomization().path("configMapGenerator").toString().contains(configMapName()),
                "the container's envFrom names the ConfigMap the kustomization generates");
    }

    @Test
    void environmentVariablesNameSettings() {
        Map<String, Setting> byName = GatewaySettings.ALL.stream()
                .collect(Collectors.toMap(s -> ContainerImage.environmentName(s.key()), s -> s));
        for (String name : environment.keySet()) {
            assertTrue(byName.containsKey(name), name + " (deploy/) is the environment variable of no setting in"
                    + " GatewaySettings.ALL: a typo is silently ignored by the gateway");
        }
        assertFalse(effective(KafkaSettings.BOOTSTRAP_SERVERS).isEmpty(),
                "kafka.bootstrap.servers is set: without it every pod would start an embedded broker of its own");
    }

    @Test
    void portsAreThoseTheGatewayListensOn() {
        String managementPort = effective(HttpSettings.MANAGEMENT_PORT);
        assertFalse(managementPort.isEmpty(), "the image's profile puts probes and metrics on a management port");
        assertEquals(Integer.parseInt(effective(HttpSettings.PORT)), containerPort(API_PORT_NAME),
                "container port api is gateway.http.port");
        assertEquals(Integer.parseInt(managementPort), containerPort(MANAGEMENT_PORT_NAME),
                "container port management is gateway.management.port of the production profile");
        JsonNode api = resource("Service/kafka-rest-gateway").path("spec");
        assertEquals(API_PORT_NAME, api.path("ports").get(0).path("targetPort").asText(),
                "the API Service sends to the API port");
        assertEquals(1, api.path("ports").size(), "the API Service exposes the API port alone");
        JsonNode instances = resource("Service/" + statefulSet.path("spec").path("serviceName").asText()).path("spec");
        assertEquals("None", instances.path("clusterIP").asText(), "the StatefulSet's Service is headless");
        assertEquals(MANAGEMENT_PORT_NAME, instances.path("ports").get(0).path("targetPort").asText());
        assertEquals(managementPort, pod.path("metadata").path("annotations").path("prometheus.io/port").asText(),
                "Prometheus scrapes the management port");
        assertSelects(api.path("selector"));
        assertSelects(instances.path("selector"));
    }

    @Test
    void probesAskTheHealthRoutesOnTheManagementPort() throws IOException {
        Map<String, String> paths = healthPaths();
        String scheme = Boolean.parseBoolean(effective(HttpSettings.TLS_ENABLED)) ? "HTTPS" : "HTTP";
        Map<String, String> expected = Map.of("startupProbe", paths.get("liveness"),
                "livenessProbe", paths.get("liveness"), "readinessProbe", paths.get("readiness"));
        expected.forEach((probe, path) -> {
            JsonNode get = container.path(probe).path("httpGet");
            assertEquals(path, get.path("path").asText(), probe + " asks " + path + " (routes/health.camel.yaml)");
            assertEquals(MANAGEMENT_PORT_NAME, get.path("port").asText(), probe + " is on the management port");
            assertEquals(scheme, get.path("scheme").asText(), probe + " speaks the port's protocol");
        });
        long checkTimeoutMs = Long.parseLong(effective(KafkaSettings.CHECK_TIMEOUT_MS));
        assertTrue(container.path("readinessProbe").path("timeoutSeconds").asLong() * 1000 > checkTimeoutMs,
                "the readiness probe waits longer than /ready's Kafka check (gateway.kafka.check-timeout-ms)");
    }

    @Test
    void configuredFilesAreInTheirVolumes() {
        Map<String, JsonNode> mounts = new HashMap<>();
        container.path("volumeMounts").forEach(m -> mounts.put(m.path("mountPath").asText(), m));
        assertTrue(effective(AuthSettings.STORE).equalsIgnoreCase("file"), "the base mounts the key file");
        for (Setting secretFile : List.of(HttpSettings.TLS_CERTIFICATE, HttpSettings.TLS_PRIVATE_KEY,
                HttpSettings.TLS_CA_CERTIFICATE, HttpSettings.TLS_CLIENT_CA, AuthSettings.KEYS_FILE)) {
            Path file = ContainerImage.inContainer(effective(secretFile));
            JsonNode mount = mounts.get(file.getParent().toString());
            assertNotNull(mount, secretFile.key() + " = " + file + ": no volume is mounted at " + file.getParent());
            assertTrue(mount.path("readOnly").asBoolean(), secretFile.key() + ": its volume is mounted read-only");
            JsonNode secret = volume(mount.path("name").asText()).path("secret");
            assertFalse(secret.isMissingNode(), secretFile.key() + " comes from a Secret");
            Set<String> names = new TreeSet<>();
            secret.path("items").forEach(item -> names.add(item.path("path").asText()));
            if (names.isEmpty()) {
                names.addAll(TLS_SECRET_KEYS);
            }
            assertTrue(names.contains(file.getFileName().toString()), secretFile.key() + " = " + file
                    + ": the Secret " + secret.path("secretName").asText() + " mounted there holds " + names);
        }
        Path journal = ContainerImage.inContainer(effective(DeadLetterSettings.JOURNAL));
        JsonNode dataMount = mounts.values().stream()
                .filter(m -> journal.startsWith(m.path("mountPath").asText())).findFirst().orElse(null);
        assertNotNull(dataMount, "gateway.dead-letter.journal = " + journal + ": on no mounted volume");
        assertFalse(dataMount.path("readOnly").asBoolean(), "the journal's volume is writable");
        List<String> claims = new ArrayList<>();
        statefulSet.path("spec").path("volumeClaimTemplates")
                .forEach(c -> claims.add(c.path("metadata").path("name").asText()));
        assertTrue(claims.contains(dataMount.path("name").asText()),
                "the journal is on a persistent volume of the instance's own (volumeClaimTemplates), not on the pod");
        if (container.path("securityContext").path("readOnlyRootFilesystem").asBoolean()) {
            JsonNode tmp = mounts.get("/tmp");
            assertNotNull(tmp, "a read-only root file system needs a writable /tmp (JVM, OpenSSL library)");
            assertFalse(volume(tmp.path("name").asText()).path("emptyDir").isMissingNode(), "/tmp is an emptyDir");
        }
    }

    @Test
    void gracePeriodCoversPreStopAndShutdownTimeout() {
        JsonNode command = container.path("lifecycle").path("preStop").path("exec").path("command");
        assertEquals("sleep", command.get(0).asText(), "preStop waits for the Service to drop the pod");
        long preStop = command.get(1).asLong();
        long shutdown = Long.parseLong(effective(MainSettings.SHUTDOWN_TIMEOUT));
        long grace = pod.path("spec").path("terminationGracePeriodSeconds").asLong();
        assertTrue(grace > preStop + shutdown, "terminationGracePeriodSeconds " + grace + " > preStop " + preStop
                + " s + camel.main.shutdown-timeout " + shutdown + " s, else requests in flight are killed");
    }

    @Test
    void memoryLimitCoversTheJvmBounds() {
        long bounds = 0;
        Matcher m = MEMORY_BOUND.matcher(String.join(" ", GatewayProcess.runCommandJvmOptions()));
        int found = 0;
        while (m.find()) {
            bounds += bytes(m.group(1), m.group(2));
            found++;
        }
        assertEquals(4, found, "gateway.jvm-options bounds heap, direct memory, code cache and metaspace");
        JsonNode resources = container.path("resources");
        long limit = quantity(resources.path("limits").path("memory").asText());
        long request = quantity(resources.path("requests").path("memory").asText());
        assertTrue(limit >= bounds, "memory limit " + limit + " covers what the JVM settings allow, " + bounds);
        assertTrue(request <= limit, "memory request within the limit");
        assertFalse(resources.path("requests").path("cpu").isMissingNode(), "the autoscaler measures against a CPU request");
    }

    @Test
    void autoscalerAndBudgetKeepInstancesServing() {
        JsonNode hpa = resource("HorizontalPodAutoscaler/kafka-rest-gateway").path("spec");
        assertEquals("StatefulSet", hpa.path("scaleTargetRef").path("kind").asText());
        assertEquals(statefulSet.path("metadata").path("name").asText(), hpa.path("scaleTargetRef").path("name").asText());
        JsonNode metric = hpa.path("metrics").get(0).path("resource");
        assertEquals("cpu", metric.path("name").asText(), "scaled on CPU");
        assertEquals("Utilization", metric.path("target").path("type").asText());
        int minReplicas = hpa.path("minReplicas").asInt();
        assertTrue(minReplicas >= 2, "at least two instances");
        JsonNode pdb = resource("PodDisruptionBudget/kafka-rest-gateway").path("spec");
        assertTrue(pdb.path("maxUnavailable").asInt() < minReplicas, "a disruption leaves an instance serving");
        assertSelects(pdb.path("selector").path("matchLabels"));
        assertSelects(statefulSet.path("spec").path("selector").path("matchLabels"));
    }

    @Test
    void runsAsTheImageUser() {
        JsonNode security = pod.path("spec").path("securityContext");
        assertTrue(security.path("runAsNonRoot").asBoolean());
        assertEquals(ContainerImage.USER_ID, security.path("runAsUser").asInt(), "the image's user");
        assertEquals(ContainerImage.USER_ID, security.path("fsGroup").asInt(), "volumes writable by its group");
    }

    private static String effective(Setting setting) {
        return ContainerImage.effective(setting, environment);
    }

    private static int containerPort(String name) {
        for (JsonNode port : container.path("ports")) {
            if (port.path("name").asText().equals(name)) {
                return port.path("containerPort").asInt();
            }
        }
        throw new AssertionError("the container has no port named " + name);
    }

    private static JsonNode volume(String name) {
        for (JsonNode volume : pod.path("spec").path("volumes")) {
            if (volume.path("name").asText().equals(name)) {
                return volume;
            }
        }
        throw new AssertionError("no volume " + name + " in the pod");
    }

    private static void assertSelects(JsonNode selector) {
        JsonNode labels = pod.path("metadata").path("labels");
        assertFalse(selector.isEmpty(), "a selector");
        selector.fields().forEachRemaining(e -> assertEquals(e.getValue().asText(), labels.path(e.getKey()).asText(),
                "selector " + e.getKey() + " matches the pod's labels"));
    }

    private static String configMapName() {
        return container.path("envFrom").get(0).path("configMapRef").path("name").asText();
    }

    /** Route id to the path of its platform-http endpoint, for the liveness and readiness routes. */
    private static Map<String, String> healthPaths() throws IOException {
        Map<String, String> paths = new HashMap<>();
        for (JsonNode entry : YAML.readTree(HEALTH_ROUTES.toFile())) {
            JsonNode route = entry.path("route");
            String uri = route.path("from").path("uri").asText();
            if (uri.startsWith("platform-http:")) {
                paths.put(route.path("id").asText(), uri.substring("platform-http:".length()));
            }
        }
        assertTrue(paths.containsKey("liveness") && paths.containsKey("readiness"), "health routes " + paths);
        return paths;
    }

    private static JsonNode resource(String kindAndName) {
        JsonNode resource = resources.get(kindAndName);
        assertNotNull(resource, kindAndName + " in deploy/ (found " + resources.keySet() + ")");
        return resource;
    }

    private static JsonNode kustomization() {
        return documents(DEPLOY.resolve("kustomization.yaml")).findFirst().orElseThrow();
    }

    private static List<Path> resourceFiles() {
        List<Path> files = new ArrayList<>();
        kustomization().path("resources").forEach(r -> files.add(DEPLOY.resolve(r.asText())));
        return files;
    }

    private static Stream<JsonNode> documents(Path file) {
        try (MappingIterator<JsonNode> docs = YAML.readerFor(JsonNode.class).readValues(file.toFile())) {
            return docs.readAll().stream().filter(d -> !d.isNull() && !d.isMissingNode());
        } catch (IOException e) {
            throw new AssertionError("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    private static Map<String, String> envFile(Path file) throws IOException {
        Map<String, String> variables = new LinkedHashMap<>();
        for (String line : Files.readAllLines(file)) {
            String trimmed = line.trim();
            if (!trimmed.isEmpty() && !trimmed.startsWith("#")) {
                int eq = trimmed.indexOf('=');
                assertTrue(eq > 0, file + ": NAME=value, not " + trimmed);
                variables.put(trimmed.substring(0, eq), trimmed.substring(eq + 1));
            }
        }
        return variables;
    }

    /** A Kubernetes quantity in bytes (Mi, Gi, M, G, or none). */
    private static long quantity(String value) {
        Matcher m = Pattern.compile("(\\d+)(Ki|Mi|Gi|k|M|G)?").matcher(value);
        assertTrue(m.matches(), "a memory quantity: " + value);
        long n = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "" : m.group(2);
        return switch (unit) {
            case "Ki" -> n << 10;
            case "Mi" -> n << 20;
            case "Gi" -> n << 30;
            case "k" -> n * 1000;
            case "M" -> n * 1000_000;
            case "G" -> n * 1000_000_000;
            default -> n;
        };
    }

    /** A JVM size (192m) in bytes. */
    private static long bytes(String number, String unit) {
        long n = Long.parseLong(number);
        return switch (unit.toLowerCase(Locale.ROOT)) {
            case "k" -> n << 10;
            case "m" -> n << 20;
            case "g" -> n << 30;
            default -> n;
        };
    }
}
