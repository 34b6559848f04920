package io.github.kafkarestgateway.auth;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;

import io.github.kafkarestgateway.error.GatewayException;
import io.github.kafkarestgateway.http.ClientAddress;
import io.github.kafkarestgateway.http.HttpRequests;
import io.github.kafkarestgateway.http.RequestFacts;
import io.github.kafkarestgateway.kafka.CallerProducers;
import io.github.kafkarestgateway.kafka.CallerProducers.Caller;
import io.github.kafkarestgateway.kafka.CallerProducers.Credentials;
import io.github.kafkarestgateway.kafka.CallerToken;
import io.github.kafkarestgateway.names.GatewayNames;
import io.vertx.core.http.HttpServerRequest;
import org.apache.camel.AsyncCallback;
import org.apache.camel.Exchange;
import org.apache.camel.support.AsyncProcessorSupport;
import org.apache.camel.support.SynchronizationAdapter;
import org.apache.kafka.common.errors.AuthenticationException;

/**
 * Identifies the caller as a Kafka user ({@code gateway.auth.kafka-identity} = {@code scram} or {@code oauthbearer})
 * instead of by the key file: {@code Authorization: Basic user:password} are SCRAM credentials, {@code Authorization:
 * Bearer <token>} an OAuth token, and the brokers verify them ({@link CallerProducers}) without a thread waiting;
 * the request then goes by that user's own producer, so the cluster's ACLs decide what it may write (403 from the
 * broker). Refused credentials: 401 with {@code WWW-Authenticate}, counted by the failed-authentication limiter
 * (429 once a source is blocked; credentials verified before are never refused). The brokers not answering: 503.
 * A caller with a client certificate cannot log in to Kafka as itself: its principal {@code User:<CN or SAN>} is
 * authorized here against the cluster's ACLs ({@link ClusterAcls}), and its record goes by the gateway's own producer.
 * Sets {@code principal} (the user name, never a secret), {@code authMethod} and, for a Kafka login, {@code kafkaCaller}.
 */
public class KafkaIdentityAuthenticator extends AsyncProcessorSupport {

    /** Kafka could not be asked whether the caller may produce: 503, before the request was accepted. */
    static final class Unavailable extends GatewayException {
        Unavailable(String message, Throwable cause) {
            super(503, message, null, Map.of("Retry-After", "1"), cause, null, true);
        }
    }

    private final CallerProducers callers;
    private final ClusterAcls acls;
    private final FailedAuthenticationLimiter limiter;
    private final boolean certificateBySan;
    private final Executor continuation;
    private final Map<String, String> challenge;
    private final String method;
    private final ClientAddress clients;

    /** @param clients the address failures are counted by */
    public KafkaIdentityAuthenticator(CallerProducers callers, ClusterAcls acls, FailedAuthenticationLimiter limiter,
                                      boolean certificateBySan, Executor continuation, ClientAddress clients) {
        this.clients = clients;
        this.callers = callers;
        this.acls = acls;
        this.limiter = limiter;
        this.certificateBySan = certificateBySan;
        this.continuation = continuation;
        boolean scram = callers.mechanism().scram();
        this.challenge = Map.of("WWW-Authenticate", (scram ? "Basic" : "Bearer") + " realm=\"kafka-rest-gateway\"");
        this.method = scram ? "scram" : "oauthbearer";
    }

    @Override
    public boolean process(Exchange exchange, AsyncCallback callback) {
        HttpServerRequest request = HttpRequests.of(exchange);
        String authorization = request.getHeader("Authorization");
        if (authorization == null && request.getHeader("X-Auth-Token") == null) {
            Optional<String> certificate = ApiKeyAuthenticator.certificateName(request, certificateBySan);
            if (certificate.isPresent()) {
                return byCertificate(exchange, callback, certificate.get());
            }
            return fail(exchange, callback, new GatewayException(401, callers.mechanism().scram()
                    ? "Missing credentials: send the Kafka user's name and password as HTTP Basic"
                    : "Missing credentials: send Authorization: Bearer <token>", null, challenge, null));
        }
        Credentials credentials = credentials(authorization);
        String address = clients.of(request);
        // failures count per user only for passwords (SCRAM), which can be guessed: a token's user is what its claims
        // say before the broker checked its signature, so counting by it would let anyone lock that user out with
        // forged tokens (and a signature cannot be guessed); tokens count per client address alone
        String user = credentials == null || !callers.mechanism().scram() ? null : credentials.name();
        if (credentials != null) {
            Caller known = callers.current(credentials);
            if (known != null && known.acquire()) {
                accept(exchange, known);
                callback.done(true);
                return true;
            }
        }
        // credentials verified before are verified again, never refused for someone else's guesses
        long blocked = credentials != null && callers.known(credentials) ? 0 : limiter.blockedSeconds(address, user);
        if (blocked > 0) {
            return fail(exchange, callback, new ApiKeyAuthenticator.Blocked(blocked));
        }
        if (credentials == null) {
            limiter.failed(address, null);
            return fail(exchange, callback, unauthorized());
        }
        callers.verify(credentials).whenCompleteAsync((caller, failure) -> {
            Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                    ? failure.getCause() : failure;
            if (cause == null) {
                // held for this request by the verification
                accept(exchange, caller);
            } else if (cause instanceof AuthenticationException) {
                limiter.failed(address, user);
                exchange.setException(unauthorized());
            } else {
                exchange.setException(new Unavailable("Kafka did not answer the check of the credentials: try again later",
                        cause));
            }
            callback.done(false);
        }, continuation);
        return false;
    }

    private boolean byCertificate(Exchange exchange, AsyncCallback callback, String user) {
        exchange.setVariable(GatewayNames.PRINCIPAL, user);
        RequestFacts.of(exchange).authenticated("client-certificate");
        String topic = HttpRequests.topic(exchange);
        acls.mayWrite(user, topic).whenCompleteAsync((allowed, failure) -> {
            if (failure != null) {
                exchange.setException(new Unavailable("Kafka did not answer the check of the ACLs: try again later", failure));
            } else if (!allowed) {
                exchange.setException(new GatewayException(403, "Forbidden: the ACLs of Kafka user '" + user
                        + "' do not allow it to produce to topic '" + topic + "'"));
            }
            callback.done(false);
        }, continuation);
        return false;
    }

    private void accept(Exchange exchange, Caller caller) {
        exchange.getExchangeExtension().addOnCompletion(new SynchronizationAdapter() {
            @Override
            public void onDone(Exchange done) {
                caller.release();
            }
        });
        exchange.setVariable(GatewayNames.PRINCIPAL, caller.name());
        RequestFacts.of(exchange).authenticated(method);
        exchange.setVariable(GatewayNames.KAFKA_CALLER, caller.handle());
    }

    /** The credentials of the mode's scheme, or null when the header holds none of them. */
    private Credentials credentials(String authorization) {
        if (authorization == null) {
            return null;
        }
        String value = authorization.trim();
        int space = value.indexOf(' ');
        if (space < 0) {
            return null;
        }
        String scheme = value.substring(0, space);
        String rest = value.substring(space + 1).trim();
        if (callers.mechanism().scram()) {
            if (!scheme.equalsIgnoreCase("Basic")) {
                return null;
            }
            ApiKeyAuthenticator.Basic basic = ApiKeyAuthenticator.Basic.decode(rest);
            return basic == null || basic.password().isEmpty() ? null : new Credentials(basic.user(), basic.password());
        }
        if (!scheme.equalsIgnoreCase("Bearer")) {
            return null;
        }
        CallerToken token = CallerToken.parse(rest);
        return token == null ? null : new Credentials(token.principalName(), rest);
    }

    private GatewayException unauthorized() {
        return new GatewayException(401, "Unauthorized: Kafka did not accept the credentials", null, challenge, null);
    }

    private static boolean fail(Exchange exchange, AsyncCallback callback, Exception failure) {
        exchange.setException(failure);
        callback.done(true);
        return true;
    }
}
