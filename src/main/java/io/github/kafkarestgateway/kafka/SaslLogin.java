package io.github.kafkarestgateway.kafka;

/**
 * The {@code sasl.jaas.config} of a client that logs in as a caller: SCRAM with the caller's user name and password,
 * or OAUTHBEARER with the caller's token. Every value is quoted and escaped, so that credentials holding quotes,
 * backslashes, semicolons or line breaks stay one option value (JAAS reads quoted strings as Java's
 * {@link java.io.StreamTokenizer} does) instead of adding options or login modules of their own.
 */
public final class SaslLogin {

    static final String SCRAM_MODULE = "org.apache.kafka.common.security.scram.ScramLoginModule";
    static final String OAUTHBEARER_MODULE = "org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule";

    private SaslLogin() {
    }

    static String scram(String user, String password) {
        return SCRAM_MODULE + " required username=" + quoted(user) + " password=" + quoted(password) + ";";
    }

    static String oauthBearer(String token) {
        return OAUTHBEARER_MODULE + " required " + CallerTokenLogin.TOKEN_OPTION + "=" + quoted(token) + ";";
    }

    /** The value in double quotes, with the characters a quoted JAAS string treats specially escaped. */
    static String quoted(String value) {
        StringBuilder quoted = new StringBuilder(value.length() + 8).append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '\\' -> quoted.append("\\\\");
                case '"' -> quoted.append("\\\"");
                case '\n' -> quoted.append("\\n");
                case '\r' -> quoted.append("\\r");
                case '\t' -> quoted.append("\\t");
                case '\f' -> quoted.append("\\f");
                case '\b' -> quoted.append("\\b");
                default -> quoted.append(c);
            }
        }
        return quoted.append('"').toString();
    }
}
