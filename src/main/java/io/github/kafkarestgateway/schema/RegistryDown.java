package io.github.kafkarestgateway.schema;

import java.util.Map;

import io.github.kafkarestgateway.error.GatewayException;

/**
 * A 503 for a schema the registry did not give (v1 and v2): the request was refused before the gateway took it on, so
 * it is no dead letter (the caller retries it), and {@code Retry-After} says when.
 */
final class RegistryDown extends GatewayException {

    RegistryDown(String message, String retryAfterSeconds, Throwable cause) {
        super(503, message, null, Map.of("Retry-After", retryAfterSeconds), cause, null, true);
        inV2("schema_registry_unavailable", null);
    }
}
