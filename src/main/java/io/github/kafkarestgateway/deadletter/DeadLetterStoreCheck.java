package io.github.kafkarestgateway.deadletter;

import java.util.Map;

import io.github.kafkarestgateway.error.GatewayException;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * Refuses a produce request with 503 while the dead-letter store cannot keep entries (disk full, not writable): the
 * gateway accepts nothing it could not keep if delivery failed.
 */
public class DeadLetterStoreCheck implements Processor {

    /** The store cannot keep entries; such a refusal is not itself dead-lettered. */
    public static final class StoreUnavailable extends GatewayException {
        public StoreUnavailable(String reason) {
            super(503, "The gateway cannot accept records now: " + reason, null, Map.of("Retry-After", "10"), null,
                    null, true);
        }
    }

    private final DeadLetterJournal journal;

    public DeadLetterStoreCheck(DeadLetterJournal journal) {
        this.journal = journal;
    }

    @Override
    public void process(Exchange exchange) {
        String problem = journal.problem();
        if (problem != null) {
            throw new StoreUnavailable(problem);
        }
    }
}
