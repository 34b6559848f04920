package io.github.kafkarestgateway.kafka;

import java.util.List;
import java.util.Map;

import javax.security.auth.callback.Callback;
import javax.security.auth.callback.UnsupportedCallbackException;
import javax.security.auth.login.AppConfigurationEntry;

import org.apache.kafka.common.security.auth.AuthenticateCallbackHandler;
import org.apache.kafka.common.security.auth.SaslExtensions;
import org.apache.kafka.common.security.auth.SaslExtensionsCallback;
import org.apache.kafka.common.security.oauthbearer.OAuthBearerTokenCallback;

/**
 * The login callback of a Kafka client that produces with a caller's OAuth bearer token: it hands the brokers the
 * token the caller presented (option {@value #TOKEN_OPTION} of its JAAS entry), never fetching one of its own. When
 * the token expires, so does the login; the gateway then needs the caller's new token.
 */
public class CallerTokenLogin implements AuthenticateCallbackHandler {

    static final String TOKEN_OPTION = "callerToken";

    private CallerToken token;

    @Override
    public void configure(Map<String, ?> configs, String mechanism, List<AppConfigurationEntry> jaasConfigEntries) {
        for (AppConfigurationEntry entry : jaasConfigEntries) {
            Object value = entry.getOptions().get(TOKEN_OPTION);
            if (value instanceof String jwt) {
                token = CallerToken.parse(jwt);
            }
        }
        if (token == null) {
            throw new IllegalArgumentException("No caller token in the JAAS configuration");
        }
    }

    @Override
    public void handle(Callback[] callbacks) throws UnsupportedCallbackException {
        for (Callback callback : callbacks) {
            if (callback instanceof OAuthBearerTokenCallback tokenCallback) {
                tokenCallback.token(token);
            } else if (callback instanceof SaslExtensionsCallback extensions) {
                extensions.extensions(SaslExtensions.empty());
            } else {
                throw new UnsupportedCallbackException(callback);
            }
        }
    }

    @Override
    public void close() {
    }
}
