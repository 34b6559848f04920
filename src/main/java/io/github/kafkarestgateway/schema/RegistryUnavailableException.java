package io.github.kafkarestgateway.schema;

/** The schema registry did not answer, or not as a registry does (a 5xx, refused credentials, a garbled answer). */
public class RegistryUnavailableException extends RuntimeException {

    public RegistryUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
