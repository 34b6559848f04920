package io.github.kafkarestgateway.http;

import io.github.kafkarestgateway.names.GatewayNames;
import org.apache.camel.Exchange;

/**
 * What the route finds out about a request for its access-log line, its metrics and its span: how the caller
 * authenticated, whether the topic exists, the value's size, when the record was sent and where it landed. One
 * object per request, made by the HTTP consumer when the request comes in (exchange variable {@value
 * GatewayNames#REQUEST_FACTS}, and RoutingContext data {@link RequestObserver#FACTS}), filled in by the processors as
 * the route goes, and read once when the answer is complete. These facts are for the gateway's own bookkeeping and no
 * route reads them, so they are fields of one object rather than a Camel variable each: a variable is a put into (and
 * a get from) the exchange's concurrent map, which grows from 16 to 32 slots at its twelfth entry, and a request used
 * to set fifteen. What the routes read ({@code api}, {@code topic}, {@code recordKey}, ...) stays a variable. Any
 * field may be null; written and read by one request's steps in turn (never at once), like the exchange itself.
 */
public final class RequestFacts {

    private String principal;
    private String authMethod;
    private String topic;
    private boolean topicKnown;
    private Integer valueBytes;
    private long sentAtNanos;
    private boolean sent;
    private Integer partition;
    private Long offset;
    private Long ackNanos;
    private String outcome;
    private String error;

    /** The facts of the request of this exchange; made (and kept in the exchange) for an exchange without them. */
    public static RequestFacts of(Exchange exchange) {
        RequestFacts facts = exchange.getVariable(GatewayNames.REQUEST_FACTS, RequestFacts.class);
        if (facts == null) {
            facts = new RequestFacts();
            exchange.setVariable(GatewayNames.REQUEST_FACTS, facts);
        }
        return facts;
    }

    /** An answer given before any route ran (an HTTP-level refusal), with its error message. */
    public static RequestFacts error(String message) {
        RequestFacts facts = new RequestFacts();
        facts.error = message;
        return facts;
    }

    /** How the caller authenticated ({@code bearer}, {@code basic}, {@code scram}, {@code client-certificate}, ...). */
    public void authenticated(String method) {
        this.authMethod = method;
    }

    /** The topic check found that the topic exists: it may be a metric label (labels stay bounded). */
    public void topicExists() {
        this.topicKnown = true;
    }

    /** The size of the record value (v1) or of all values (v2) in bytes. */
    public void valueBytes(int bytes) {
        this.valueBytes = bytes;
    }

    /** The record is being handed to the producer now: the start of the acknowledgement latency. */
    public void sending() {
        this.sentAtNanos = System.nanoTime();
        this.sent = true;
    }

    /** The broker acknowledged the (first) record at this partition and offset. */
    public void acknowledged(int partition, long offset) {
        this.partition = partition;
        this.offset = offset;
        if (sent) {
            this.ackNanos = System.nanoTime() - sentAtNanos;
        }
    }

    /** When the answer is given: who called and which topic (from the route's variables), what happened, the error. */
    void answered(String principal, String topic, String outcome, String error) {
        this.principal = principal;
        this.topic = topic;
        this.outcome = outcome;
        this.error = error;
    }

    public String principal() {
        return principal;
    }

    public String authMethod() {
        return authMethod;
    }

    public String topic() {
        return topic;
    }

    /** The topic as a metric label: only a topic that exists and the caller may use, so that labels stay bounded. */
    public String metricTopic() {
        return topicKnown ? topic : null;
    }

    public Integer valueBytes() {
        return valueBytes;
    }

    public Integer partition() {
        return partition;
    }

    public Long offset() {
        return offset;
    }

    /** Nanoseconds from the send to the broker's acknowledgement, or null. */
    public Long ackNanos() {
        return ackNanos;
    }

    /** What happened beyond the status: dead-lettered, quota, load, blocked; or null. */
    public String outcome() {
        return outcome;
    }

    /** The message of an error answer, or null. */
    public String error() {
        return error;
    }
}
