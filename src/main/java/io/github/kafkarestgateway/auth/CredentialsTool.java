package io.github.kafkarestgateway.auth;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The credentials tool, after {@code cloudctl es iam-service-id-create} and friends. It changes the service IDs where
 * the gateway keeps them, the key file it watches or the Kafka topic every instance reads (changes take effect within
 * seconds, without a restart), and hands out what clients need:
 * <pre>
 * create --name ID --role writer|reader|operator --topic T [--topic T…] [--expires INSTANT | --expires-in 30d]
 *        [--certificate-only]           a service ID; prints its new key once
 * list                                  the service IDs, never their keys
 * rotate --name ID                      a new key for the service ID; the old one stops working
 * revoke --name ID                      the service ID's key and certificate stop working
 * expire --name ID --at INSTANT|never   when the service ID stops working
 * sign-csr --in client.csr --out client.pem [--days 365] [--san dns:name]
 *                                       a client certificate from a certificate request, signed by the client CA;
 *                                       its subject CN (or the SAN given) names the service ID
 * certificates --format pem|p12 --out FILE
 *                                       what clients trust: the CA certificate as PEM, or a PKCS12 trust store
 *                                       (its password is printed)
 * </pre>
 * Options for every command: {@code --keys-file data/api-keys.json}, {@code --certs certs}; for the service IDs on
 * Kafka ({@code gateway.auth.store=kafka}): {@code --store kafka --bootstrap-servers HOST:PORT
 * [--store-topic rest-gateway-service-ids] [--kafka-config client.properties]} (Kafka client properties: security
 * protocol, SASL login, trust store). Exit code 0 on success, 1 on failure, 2 for wrong arguments.
 */
public final class CredentialsTool {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Set<String> SERVICE_ID_COMMANDS = Set.of("create", "list", "rotate", "revoke", "expire");
    /** How long a call to Kafka may take. */
    private static final long KAFKA_TIMEOUT_MS = 10_000;

    private CredentialsTool() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    public static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length == 0) {
            return usage(err, "say what to do");
        }
        String command = args[0];
        Map<String, List<String>> options = new HashMap<>();
        for (int i = 1; i < args.length; i++) {
            if (!args[i].startsWith("--")) {
                return usage(err, "unexpected " + args[i]);
            }
            String name = args[i].substring(2);
            if (name.equals("certificate-only")) {
                options.computeIfAbsent(name, n -> new ArrayList<>()).add("true");
            } else if (i + 1 < args.length) {
                options.computeIfAbsent(name, n -> new ArrayList<>()).add(args[++i]);
            } else {
                return usage(err, "missing value for " + args[i]);
            }
        }
        Path keysFile = Path.of(one(options, "keys-file", "data/api-keys.json"));
        Path certs = Path.of(one(options, "certs", "certs"));
        String store = one(options, "store", "file");
        if (!store.equals("file") && !store.equals("kafka")) {
            return usage(err, "--store is file or kafka");
        }
        if (store.equals("kafka") && !options.containsKey("bootstrap-servers") && !options.containsKey("kafka-config")) {
            return usage(err, "--bootstrap-servers is required with --store kafka");
        }
        ServiceIds keys = null;
        try {
            if (SERVICE_ID_COMMANDS.contains(command)) {
                keys = store.equals("file") ? new ApiKeyFile(keysFile) : new KafkaServiceIds(
                        one(options, "store-topic", AuthSettings.STORE_TOPIC.defaultValue()),
                        kafkaClient(options), KAFKA_TIMEOUT_MS).open();
            }
            String where = keys instanceof KafkaServiceIds ? keys.location() : keysFile.toString();
            switch (command) {
                case "create" -> {
                    String name = required(options, "name");
                    List<String> topics = options.getOrDefault("topic", List.of());
                    if (topics.isEmpty()) {
                        return usage(err, "--topic is required (a name, a prefix such as orders.*, or *)");
                    }
                    boolean certificateOnly = options.containsKey("certificate-only");
                    String key = keys.create(name, one(options, "role", ApiKeyStore.WRITER), topics,
                            expires(options), !certificateOnly);
                    out.println("Created service ID '" + name + "' in " + where);
                    if (key != null) {
                        out.println("API key (shown once, only its hash is stored): " + key);
                    } else {
                        out.println("It is known by its client certificate only (subject CN or SAN '" + name + "')");
                    }
                }
                case "list" -> out.println(MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(keys.list()));
                case "rotate" -> {
                    String name = required(options, "name");
                    String key = keys.rotate(name);
                    out.println("New API key for '" + name + "' (shown once; the old key stops working): " + key);
                }
                case "revoke" -> {
                    String name = required(options, "name");
                    keys.revoke(name);
                    out.println("Revoked service ID '" + name + "'");
                }
                case "expire" -> {
                    String name = required(options, "name");
                    String at = required(options, "at");
                    keys.expire(name, at.equals("never") ? null : Instant.parse(at));
                    out.println("Service ID '" + name + "' " + (at.equals("never") ? "does not expire" : "expires at " + at));
                }
                case "sign-csr" -> {
                    Path in = Path.of(required(options, "in"));
                    Path target = Path.of(required(options, "out"));
                    new CertificateAuthority(certs).signCsr(in, target, Integer.parseInt(one(options, "days", "365")),
                            one(options, "san", null));
                    out.println("Signed " + in + " with the client CA: " + target);
                }
                case "certificates" -> {
                    String format = one(options, "format", "pem");
                    Path target = Path.of(required(options, "out"));
                    CertificateAuthority authority = new CertificateAuthority(certs);
                    Path ca = authority.caCertificate();
                    if (format.equals("pem")) {
                        Files.copy(ca, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                        out.println("CA certificate to trust (PEM): " + target);
                    } else if (format.equals("p12")) {
                        String password = ApiKeyStore.newKey();
                        Files.write(target, authority.trustStore(password));
                        out.println("Trust store (PKCS12): " + target);
                        out.println("Trust store password: " + password);
                    } else {
                        return usage(err, "--format is pem or p12");
                    }
                }
                default -> {
                    return usage(err, "unknown command " + command);
                }
            }
            return 0;
        } catch (IllegalArgumentException | IllegalStateException e) {
            err.println("credentials: " + e.getMessage());
            return 1;
        } catch (Exception e) {
            err.println("credentials: " + e);
            return 1;
        } finally {
            if (keys instanceof KafkaServiceIds kafka) {
                kafka.close();
            }
        }
    }

    /** The Kafka client properties of {@code --kafka-config} (a properties file), {@code --bootstrap-servers} over them. */
    private static Map<String, Object> kafkaClient(Map<String, List<String>> options) throws IOException {
        Map<String, Object> client = new HashMap<>();
        String file = one(options, "kafka-config", null);
        if (file != null) {
            Properties properties = new Properties();
            try (InputStream in = Files.newInputStream(Path.of(file))) {
                properties.load(in);
            }
            properties.stringPropertyNames().forEach(name -> client.put(name, properties.getProperty(name).trim()));
        }
        String bootstrap = one(options, "bootstrap-servers", null);
        if (bootstrap != null) {
            client.put("bootstrap.servers", bootstrap);
        }
        if (!client.containsKey("bootstrap.servers")) {
            throw new IllegalArgumentException("--bootstrap-servers is required with --store kafka (or bootstrap.servers"
                    + " in " + file + ")");
        }
        return client;
    }

    private static Instant expires(Map<String, List<String>> options) {
        if (options.containsKey("expires")) {
            return Instant.parse(one(options, "expires", null));
        }
        if (options.containsKey("expires-in")) {
            String in = one(options, "expires-in", null);
            if (!in.matches("\\d+[dh]")) {
                throw new IllegalArgumentException("--expires-in is a number of days (30d) or hours (12h)");
            }
            long amount = Long.parseLong(in.substring(0, in.length() - 1));
            return Instant.now().plus(in.endsWith("d") ? Duration.ofDays(amount) : Duration.ofHours(amount));
        }
        return null;
    }

    private static String required(Map<String, List<String>> options, String name) {
        String value = one(options, name, null);
        if (value == null) {
            throw new IllegalArgumentException("--" + name + " is required");
        }
        return value;
    }

    private static String one(Map<String, List<String>> options, String name, String fallback) {
        List<String> values = options.get(name);
        return values == null || values.isEmpty() ? fallback : values.get(values.size() - 1);
    }

    private static int usage(PrintStream err, String problem) {
        err.println("credentials: " + problem);
        err.println("usage: CredentialsTool create|list|rotate|revoke|expire|sign-csr|certificates [options]"
                + " (see the Security section of README.md)");
        return 2;
    }
}
