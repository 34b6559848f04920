package io.github.kafkarestgateway.schema;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.regex.Pattern;

import io.github.kafkarestgateway.auth.ApiKeyStore;
import io.github.kafkarestgateway.error.GatewayException;
import io.github.kafkarestgateway.http.HttpRequests;
import io.github.kafkarestgateway.names.GatewayNames;
import io.vertx.core.http.HttpServerRequest;
import org.apache.camel.AsyncCallback;
import org.apache.camel.Exchange;
import org.apache.camel.support.AsyncProcessorSupport;

/**
 * Works out which schema a v1 request produces with, and looks it up without blocking a thread: the query's
 * {@code schemaname} and {@code schemaversion} (latest when no version is given), as Event Streams v1.1.0 takes them,
 * or, on a topic of {@code gateway.schema.enforce}, the latest version of the subject {@code <topic>-value}. Sets the
 * variables {@code schema} and {@code schemaValidation} (true with {@code schemavalidation=true} and on enforced
 * topics), and {@code answerComment} for a deprecated version. A request that names no schema, on a topic that is not
 * enforced, passes untouched. Answers: 400 for a malformed name or version or when no registry is configured, 404
 * for an unknown schema or version, 503 (with {@code Retry-After}) when the registry does not answer and the schema is
 * not cached.
 */
public class ResolveSchema extends AsyncProcessorSupport {

    /** Subject names the gateway asks for: no path characters, no blanks, bounded. */
    static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,200}");
    static final Pattern VERSION = Pattern.compile("latest|[1-9][0-9]{0,8}");

    private final SchemaCatalog catalog;
    private final List<String> enforcedTopics;
    private final Executor continuation;
    private final String retryAfterSeconds;

    /**
     * @param catalog        the registry's schemas, or null when no registry is configured
     * @param enforcedTopics topic patterns whose records must validate
     * @param continuation   where a request goes on after the registry answered
     * @param retryAfterMs   the {@code Retry-After} of a 503
     */
    public ResolveSchema(SchemaCatalog catalog, List<String> enforcedTopics, Executor continuation, long retryAfterMs) {
        if (catalog == null && !enforcedTopics.isEmpty()) {
            throw new IllegalArgumentException("gateway.schema.enforce needs a schema registry"
                    + " (gateway.schema-registry.url)");
        }
        this.catalog = catalog;
        this.enforcedTopics = List.copyOf(enforcedTopics);
        this.continuation = continuation;
        this.retryAfterSeconds = String.valueOf(Math.max(1, (retryAfterMs + 999) / 1000));
    }

    /** The schema a request asks for: by name ({@code named}) or as its enforced topic's subject. */
    private record Wanted(String subject, String version, boolean named, boolean validate) {
    }

    @Override
    public boolean process(Exchange exchange, AsyncCallback callback) {
        Wanted wanted;
        try {
            wanted = wanted(exchange);
        } catch (GatewayException refused) {
            exchange.setException(refused);
            callback.done(true);
            return true;
        }
        if (wanted == null) {
            callback.done(true);
            return true;
        }
        Optional<SchemaCatalog.Entry> cached = catalog.cached(wanted.subject(), wanted.version());
        if (cached.isPresent()) {
            apply(exchange, wanted, cached.get());
            callback.done(true);
            return true;
        }
        catalog.lookup(wanted.subject(), wanted.version()).whenCompleteAsync((entry, failure) -> {
            if (failure != null) {
                Throwable cause = failure instanceof CompletionException ? failure.getCause() : failure;
                exchange.setException(new RegistryDown("The schema registry is unavailable: schema '"
                        + wanted.subject() + "' could not be looked up: " + cause.getMessage(), retryAfterSeconds,
                        cause).aboutSchema(wanted.subject()));
            } else {
                apply(exchange, wanted, entry);
            }
            callback.done(false);
        }, continuation);
        return false;
    }

    /** What the query and the topic ask for; null for no schema (none named, topic not enforced). */
    private Wanted wanted(Exchange exchange) {
        HttpServerRequest request = HttpRequests.of(exchange);
        String name = HttpRequests.queryParam(request, "schemaname");
        String askedVersion = HttpRequests.queryParam(request, "schemaversion");
        boolean validate = flag(HttpRequests.queryParam(request, "schemavalidation"));
        String topic = exchange.getVariable(GatewayNames.TOPIC, String.class);
        boolean enforced = !enforcedTopics.isEmpty() && ApiKeyStore.anyMatches(enforcedTopics, topic);
        Wanted wanted;
        if (name == null) {
            if (askedVersion != null) {
                throw new GatewayException(400, "schemaversion needs schemaname");
            }
            if (!enforced) {
                if (validate) {
                    throw new GatewayException(400, "schemavalidation=true needs schemaname");
                }
                return null;
            }
            wanted = new Wanted(topic + "-value", "latest", false, true);
        } else {
            if (!NAME.matcher(name).matches()) {
                throw new GatewayException(400, "Invalid schemaname: 1 to 200 characters among a-z, A-Z, 0-9,"
                        + " '.', '_' and '-'");
            }
            String version = askedVersion == null ? "latest" : askedVersion;
            if (!VERSION.matcher(version).matches()) {
                throw new GatewayException(400, "Invalid schemaversion: a version number or 'latest'")
                        .aboutSchema(name);
            }
            wanted = new Wanted(name, version, true, validate || enforced);
        }
        if (catalog == null) {
            throw new GatewayException(400, "Schemas are not available: the gateway has no schema registry"
                    + " configured (gateway.schema-registry.url)").aboutSchema(name);
        }
        return wanted;
    }

    private static void apply(Exchange exchange, Wanted wanted, SchemaCatalog.Entry entry) {
        String subject = wanted.subject();
        String version = wanted.version();
        if (entry.problem() != null) {
            exchange.setException(new GatewayException(400, "Schema '" + subject + "' version " + version
                    + " cannot be used: " + entry.problem()).aboutSchema(subject));
            return;
        }
        RegisteredSchema schema = entry.schema();
        if (schema == null && !wanted.named()) {
            String topic = exchange.getVariable(GatewayNames.TOPIC, String.class);
            exchange.setException(new GatewayException(400, "Topic '" + topic + "' takes only records with a schema:"
                    + " name one (schemaname), or register subject '" + subject + "'").aboutSchema(subject));
            return;
        }
        if (schema == null) {
            exchange.setException(new GatewayException(404, version.equals("latest")
                    ? "Schema '" + subject + "' does not exist"
                    : "Schema '" + subject + "' version " + version + " does not exist").aboutSchema(subject));
            return;
        }
        exchange.setVariable(GatewayNames.SCHEMA, schema);
        exchange.setVariable(GatewayNames.SCHEMA_VALIDATION, wanted.validate());
        if (schema.deprecated()) {
            exchange.setVariable(GatewayNames.ANSWER_COMMENT, "Schema '" + schema.subject() + "' version "
                    + schema.version() + " is deprecated");
        }
    }

    private static boolean flag(String value) {
        if (value == null || value.equals("false")) {
            return false;
        }
        if (value.equals("true")) {
            return true;
        }
        throw new GatewayException(400, "Invalid schemavalidation '" + value + "': true or false");
    }
}
