package io.github.kafkarestgateway.console;

import java.time.Instant;
import java.time.format.DateTimeParseException;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.kafkarestgateway.auth.ServiceIds;
import io.github.kafkarestgateway.error.GatewayException;

/** What the console's changes of service IDs read from a request, checked the same way for each. */
final class ServiceIdRequests {

    static final int MAX_NAME_LENGTH = 128;

    private ServiceIdRequests() {
    }

    /** 409 when the store cannot be changed here (a key file mounted read-only). */
    static void requireWritable(ServiceIds serviceIds) {
        if (!serviceIds.writable()) {
            throw new GatewayException(409, "The service IDs are kept in " + serviceIds.location()
                    + ", which is read-only here: change them where it comes from (such as a Kubernetes Secret)");
        }
    }

    /** The service ID's name: 1 to 128 characters, no control characters (markup is shown as text, never run). */
    static String name(ObjectNode request) {
        String name = ConsoleAnswer.text(request, "name", true);
        if (name.length() > MAX_NAME_LENGTH || name.chars().anyMatch(Character::isISOControl)) {
            throw new GatewayException(400, "'name' must be 1 to " + MAX_NAME_LENGTH
                    + " characters without control characters");
        }
        return name;
    }

    /** When the service ID stops working: an ISO-8601 instant in the future, or null for never. */
    static Instant expires(ObjectNode request) {
        String text = ConsoleAnswer.text(request, "expires", false);
        if (text == null) {
            return null;
        }
        try {
            Instant expires = Instant.parse(text);
            if (!expires.isAfter(Instant.now())) {
                throw new GatewayException(400, "'expires' must be in the future");
            }
            return expires;
        } catch (DateTimeParseException e) {
            throw new GatewayException(400, "'expires' must be a time such as 2027-01-31T00:00:00Z");
        }
    }
}
