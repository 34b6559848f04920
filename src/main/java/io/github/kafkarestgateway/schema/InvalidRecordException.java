package io.github.kafkarestgateway.schema;

/** A record value that does not match its schema; the message names the field or path that fails. */
public class InvalidRecordException extends RuntimeException {

    public InvalidRecordException(String message) {
        super(message, null, false, false);
    }
}
