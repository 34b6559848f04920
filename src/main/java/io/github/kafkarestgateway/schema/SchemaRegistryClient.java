package io.github.kafkarestgateway.schema;

import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;

import javax.net.ssl.SSLContext;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The calls the gateway makes to a schema registry, over the JDK's HTTP client, without blocking a thread, by the
 * Confluent-compatible API (which Apicurio, Confluent Schema Registry, Karapace and Redpanda all serve): a version of
 * a subject ({@code GET /subjects/{subject}/versions/{version}}), a schema by its id ({@code GET /schemas/ids/{id}}),
 * and the version of a subject that holds a given schema ({@code POST /subjects/{subject}}, which never registers
 * one); and, where the registry is Apicurio, a version's state and global id by Apicurio's own API
 * ({@code GET /groups/default/artifacts/{id}/versions/{v}}), which the Confluent API does not tell. A library client
 * was not taken: Apicurio's SDK (Kiota, with its own HTTP stack) and Confluent's client (not on Maven Central) are
 * each larger than these few requests.
 */
public final class SchemaRegistryClient {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_ANSWER_BYTES = 1 << 20;

    private final HttpClient http;
    private final URI compatible;
    private final URI apicurio;
    private final String authorization;
    private final Duration timeout;

    /**
     * @param compatible    base URL of the Confluent-compatible API (Apicurio: {@code …/apis/ccompat/v7})
     * @param apicurio      base URL of Apicurio's own API ({@code …/apis/registry/v3}), or null for another registry
     * @param user          Basic user name, or null for none
     * @param password      Basic password
     * @param ssl           trust for an HTTPS registry, or null for the JVM's default
     * @param timeout       bound of each call
     * @param executor      where the HTTP client completes its calls
     */
    public SchemaRegistryClient(URI compatible, URI apicurio, String user, String password, SSLContext ssl,
                                Duration timeout, Executor executor) {
        HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(timeout).executor(executor)
                .followRedirects(HttpClient.Redirect.NEVER);
        if (ssl != null) {
            builder.sslContext(ssl);
        }
        this.http = builder.build();
        this.compatible = withoutTrailingSlash(compatible);
        this.apicurio = apicurio == null ? null : withoutTrailingSlash(apicurio);
        this.authorization = user == null || user.isEmpty() ? null : "Basic " + Base64.getEncoder()
                .encodeToString((user + ":" + (password == null ? "" : password)).getBytes(StandardCharsets.UTF_8));
        this.timeout = timeout;
    }

    /**
     * Apicurio's own API beside its Confluent-compatible one: {@code …/apis/ccompat/v7} → {@code …/apis/registry/v3};
     * null for a URL of another registry.
     */
    public static URI apicurioApiOf(URI compatible) {
        String url = withoutTrailingSlash(compatible).toString();
        int at = url.indexOf("/apis/ccompat/");
        return at < 0 ? null : URI.create(url.substring(0, at) + "/apis/registry/v3");
    }

    /**
     * A version of a subject ({@code latest} or a number), parsed; empty when the registry has no such subject or
     * version. Fails with {@link RegistryUnavailableException} when the registry cannot tell, and with an
     * {@link IllegalArgumentException} when the schema is of a type the gateway does not validate or does not parse.
     */
    public CompletableFuture<Optional<RegisteredSchema>> lookup(String subject, String version) {
        URI uri = URI.create(compatible + "/subjects/" + encode(subject) + "/versions/" + encode(version));
        return get(uri).thenCompose(answer -> {
            if (answer.statusCode() == 404 || answer.statusCode() == 422) {
                return CompletableFuture.completedFuture(Optional.empty());
            }
            JsonNode found = parse(answer, uri);
            int number = found.path("version").asInt();
            int id = found.path("id").asInt();
            SchemaFormat format = format(found.path("schemaType").asText("AVRO"), found.path("schema").asText());
            return apicurioState(subject, number).thenApply(state -> Optional.of(new RegisteredSchema(
                    found.path("subject").asText(subject), number, id, state.globalId() < 0 ? id : state.globalId(),
                    state.deprecated(), format)));
        });
    }

    /**
     * The schema of an id; empty when the registry has none. Its subject is not asked (an id may be registered under
     * several), so the result has no subject and version 0. Fails as {@link #lookup} does.
     */
    public CompletableFuture<Optional<RegisteredSchema>> byId(int id) {
        URI uri = URI.create(compatible + "/schemas/ids/" + id);
        return get(uri).thenApply(answer -> {
            if (answer.statusCode() == 404) {
                return Optional.empty();
            }
            JsonNode found = parse(answer, uri);
            return Optional.of(new RegisteredSchema(null, 0, id, id, false,
                    format(found.path("schemaType").asText("AVRO"), found.path("schema").asText())));
        });
    }

    /**
     * The version of the subject that holds this Avro schema (the registry compares them as schemas, not as texts);
     * empty when the subject does not exist or does not hold it. Nothing is registered. Fails as {@link #lookup}
     * does.
     */
    public CompletableFuture<Optional<RegisteredSchema>> byContent(String subject, String schema) {
        URI uri = URI.create(compatible + "/subjects/" + encode(subject));
        String body = JSON.createObjectNode().put("schema", schema).put("schemaType", "AVRO").toString();
        return send(HttpRequest.newBuilder(uri).POST(HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/vnd.schemaregistry.v1+json")).thenApply(answer -> {
            if (answer.statusCode() == 404) {
                return Optional.empty();
            }
            JsonNode found = parse(answer, uri);
            int id = found.path("id").asInt();
            String registered = found.path("schema").asText(schema);
            return Optional.of(new RegisteredSchema(found.path("subject").asText(subject),
                    found.path("version").asInt(), id, id, false, format(found.path("schemaType").asText("AVRO"),
                    registered.isEmpty() ? schema : registered)));
        });
    }

    private static SchemaFormat format(String type, String schema) {
        return switch (type) {
            case "AVRO" -> AvroFormat.parse(schema);
            case "JSON" -> JsonSchemaFormat.parse(schema);
            default -> throw new IllegalArgumentException("schemas of type " + type
                    + " are not validated by the gateway (Avro and JSON Schema are)");
        };
    }

    /** Whether the registry answers (for {@code /ready}): the list of schema types, the cheapest call it has. */
    public CompletableFuture<Void> ping() {
        URI uri = URI.create(compatible + "/schemas/types");
        return get(uri).thenAccept(answer -> parse(answer, uri));
    }

    private record State(long globalId, boolean deprecated) {
    }

    private CompletableFuture<State> apicurioState(String subject, int version) {
        if (apicurio == null) {
            return CompletableFuture.completedFuture(new State(-1, false));
        }
        URI uri = URI.create(apicurio + "/groups/default/artifacts/" + encode(subject) + "/versions/" + version);
        return get(uri).thenApply(answer -> {
            if (answer.statusCode() == 404) {
                return new State(-1, false);
            }
            JsonNode meta = parse(answer, uri);
            return new State(meta.path("globalId").asLong(-1), "DEPRECATED".equals(meta.path("state").asText()));
        });
    }

    private CompletableFuture<HttpResponse<byte[]>> get(URI uri) {
        return send(HttpRequest.newBuilder(uri).GET());
    }

    private CompletableFuture<HttpResponse<byte[]>> send(HttpRequest.Builder request) {
        request.timeout(timeout).header("Accept", "application/json");
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return http.sendAsync(request.build(), HttpResponse.BodyHandlers.ofByteArray())
                .handle((answer, failure) -> {
                    if (failure != null) {
                        Throwable cause = failure instanceof CompletionException ? failure.getCause() : failure;
                        throw new RegistryUnavailableException(cause instanceof HttpTimeoutException
                                ? "the registry did not answer within " + timeout.toMillis() + " ms"
                                : cause instanceof ConnectException ? "the registry refused the connection"
                                : "the registry could not be reached", cause);
                    }
                    return answer;
                });
    }

    private static JsonNode parse(HttpResponse<byte[]> answer, URI uri) {
        if (answer.statusCode() != 200) {
            throw new RegistryUnavailableException("the registry answered " + answer.statusCode() + " to "
                    + uri.getPath(), null);
        }
        if (answer.body().length > MAX_ANSWER_BYTES) {
            throw new RegistryUnavailableException("the registry's answer is larger than 1 MB", null);
        }
        try {
            return JSON.readTree(answer.body());
        } catch (java.io.IOException e) {
            throw new RegistryUnavailableException("the registry's answer is not JSON", e);
        }
    }

    private static String encode(String segment) {
        return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static URI withoutTrailingSlash(URI uri) {
        String text = uri.toString();
        return text.endsWith("/") ? URI.create(text.substring(0, text.length() - 1)) : uri;
    }
}
