package io.github.kafkarestgateway.names;

import org.apache.camel.Exchange;

/**
 * The names that the routes in {@code routes/} and the Java processors share: exchange variables
 * ({@code ${variable.<name>}} in a route), request and answer headers, and record headers the gateway sets. Defined
 * here once, as camel-kafka's {@code KafkaConstants} does for its headers (whose names the routes take from
 * {@code KafkaConstants} itself). A processor reads and writes these and never another processor's fields.
 */
public final class GatewayNames {

    // --- the request, as the routes see it
    /** Variable: which API the request came in by, {@value #API_V1} or {@value #API_V2}; set first by each API route. */
    public static final String API = "api";
    /** Value of {@link #API}: Event Streams REST producer v1 ({@code POST /topics/{topic}/records}). */
    public static final String API_V1 = "v1";
    /** Value of {@link #API}: the v2 envelopes ({@code POST /v2/topics/{topic}/records}). */
    public static final String API_V2 = "v2";
    /** Variable: the request id (the caller's {@code X-Request-ID} when sane, else a new one); also in the access log. */
    public static final String REQUEST_ID = "requestId";
    /**
     * Variable (and RoutingContext data): the request's trace, a {@code tracing.RequestTrace}; set only for a traced
     * request (never with {@code gateway.tracing.enabled=false}).
     */
    public static final String TRACE = "trace";
    /**
     * Variable: the request's {@code http.RequestFacts}, what the access log, the metrics and the span tell about it
     * (how the caller authenticated, the value's size, whether the topic exists, where and how fast the record
     * landed): fields of one object, as no route reads them.
     */
    public static final String REQUEST_FACTS = "requestFacts";
    /** Variable: the topic of the request path, percent-decoded once per request. */
    public static final String PATH_TOPIC = "pathTopic";
    /** Variable: the topic the request produces to, once validated. */
    public static final String TOPIC = "topic";
    /** Variable: the media type of the request body (v1), as the dead-letter entry keeps it. */
    public static final String CONTENT_TYPE = "contentType";

    // --- who is calling
    /** Variable: the service ID that authenticated. */
    public static final String PRINCIPAL = "principal";
    /** Variable: the console session of a console request ({@code console.ConsoleSessions.Session}). */
    public static final String CONSOLE_SESSION = "consoleSession";
    /**
     * Variable: with {@code gateway.auth.kafka-identity}, the handle of the caller's own Kafka producer (its Kafka
     * user's credentials), which the record is produced with; absent: the gateway's own producer.
     */
    public static final String KAFKA_CALLER = "kafkaCaller";

    // --- the record to produce
    /** Variable: the record key (v1) as bytes, or null. */
    public static final String RECORD_KEY = "recordKey";
    /** Variable: the record headers (v1) as an ordered map of name to bytes. */
    public static final String RECORD_HEADERS = "recordHeaders";
    /** Variable: the records of a v2 request, a list of {@code kafka.OutgoingRecord}. */
    public static final String RECORDS = "records";
    /**
     * Variable: the {@code type: avro} keys and values of a v2 request, a list of {@code kafka.AvroPart}, encoded by
     * their schemas before delivery; not set when the request has none.
     */
    public static final String AVRO_PARTS = "avroParts";
    /** Variable: true when the v2 request was an array (answered with {@code results}), false for one envelope. */
    public static final String BATCH = "batch";

    // --- the answer
    /** Variable: a remark the 200 answer carries as Event Streams' {@code Comment} (a deprecated schema), or null. */
    public static final String ANSWER_COMMENT = "answerComment";

    // --- schemas
    /** Variable: the schema the record is produced with, a {@code schema.RegisteredSchema}, or null for none. */
    public static final String SCHEMA = "schema";
    /** Variable: true when the value must be checked against {@link #SCHEMA} (schemavalidation=true, enforced topic). */
    public static final String SCHEMA_VALIDATION = "schemaValidation";

    // --- Idempotency-Key
    /** Request header: the caller's idempotency key. */
    public static final String IDEMPOTENCY_KEY_HEADER = "Idempotency-Key";
    /** Answer header: {@code true} on an answer repeated from the key's first request. */
    public static final String IDEMPOTENT_REPLAYED_HEADER = "Idempotent-Replayed";
    /** Variable: true when the answer was repeated from the key's first request (the route stops there). */
    public static final String IDEMPOTENT_REPLAY = "idempotentReplay";
    /** Variable: the scoped key the request claimed (service ID, topic, key). */
    public static final String IDEMPOTENCY_KEY = "idempotencyKey";
    /** Variable: the claim held for the request, released when it fails. */
    public static final String IDEMPOTENCY_CLAIM = "idempotencyClaim";
    /** Variable: the request's fingerprint, which a repeat must match. */
    public static final String IDEMPOTENCY_FINGERPRINT = "idempotencyFingerprint";

    // --- failures
    /** Variable: the failure being answered, as a {@code error.GatewayException} (status, message, headers). */
    public static final String FAILURE = "failure";
    /** Variable: the status of the failure being answered. */
    public static final String FAILURE_STATUS = "failureStatus";
    /** Variable: true when the failed request must be kept in the dead-letter store before it is answered. */
    public static final String DEAD_LETTER = "deadLetter";
    /** Variable: true for a failure of the gateway or the cluster (408, 5xx) rather than of the request. */
    public static final String SERVER_FAILURE = "serverFailure";
    /** Variable: the id of the dead-letter entry that keeps the request (the {@code incident} of the answer). */
    public static final String DEAD_LETTER_ID = "deadLetterId";
    /** Variable: the message of the error answer, for the access log. */
    public static final String ERROR_MESSAGE = "errorMessage";
    /** Record header: the dead-letter entry a replayed (or Kafka dead-letter topic) record comes from. */
    public static final String DEAD_LETTER_ID_HEADER = "gateway-dead-letter-id";

    private GatewayNames() {
    }

    /** The request id of an exchange: the {@link #REQUEST_ID} variable, or the exchange id outside HTTP. */
    public static String requestId(Exchange exchange) {
        String id = exchange.getVariable(REQUEST_ID, String.class);
        return id != null ? id : exchange.getExchangeId();
    }
}
