package io.github.kafkarestgateway.console;

import io.github.kafkarestgateway.error.ErrorBody;
import io.github.kafkarestgateway.error.ErrorResponse;
import io.github.kafkarestgateway.error.GatewayException;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Any failure of a console route as the JSON error of the API ({@code error_code}, {@code message}), mapped to
 * its status by the one mapping of the gateway ({@link ErrorResponse#toGatewayException}), and a refused change of a
 * service ID ({@link IllegalArgumentException} of {@code auth.ServiceIds}: unknown, exists already) as 400 in its
 * words; without the
 * {@code WWW-Authenticate} challenge, which would make the browser ask for a password by itself. Nothing is kept as a
 * dead letter: the console produces nothing.
 */
public class AnswerConsoleError implements org.apache.camel.Processor {

    private static final Logger LOG = LoggerFactory.getLogger(AnswerConsoleError.class);

    @Override
    public void process(Exchange exchange) {
        Throwable failure = ErrorResponse.unwrap(exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class));
        GatewayException error = failure instanceof IllegalArgumentException wrongInput
                ? new GatewayException(400, wrongInput.getMessage())
                : ErrorResponse.toGatewayException(failure);
        if (error.serverSide()) {
            LOG.warn("Console: {} {}", error.status(), error.getMessage(), failure);
        }
        exchange.getMessage().getHeaders().clear();
        exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, error.status());
        exchange.getMessage().setHeader(Exchange.CONTENT_TYPE, ErrorBody.CONTENT_TYPE);
        error.responseHeaders().forEach((name, value) -> {
            if (!name.equalsIgnoreCase("WWW-Authenticate")) {
                exchange.getMessage().setHeader(name, value);
            }
        });
        exchange.getMessage().setBody(ErrorBody.json(error.status(), error.getMessage()));
    }
}
