package io.github.kafkarestgateway.kafka;

import java.util.List;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Where the kafka component continues an exchange once the broker acknowledged it: on the thread the acknowledgement
 * is handed to, the event loop of the request that sent the record ({@link ContextCallbackProducer}). Camel's default
 * hands every acknowledged record to a pool thread, which costs a thread switch per request; what follows the send in
 * the produce routes is short and never blocks (failures are kept on a thread of the dead-letter route), so the switch
 * buys nothing.
 */
public final class AckThreadExecutor extends AbstractExecutorService {

    @Override
    public void execute(Runnable command) {
        command.run();
    }

    @Override
    public void shutdown() {
    }

    @Override
    public List<Runnable> shutdownNow() {
        return List.of();
    }

    @Override
    public boolean isShutdown() {
        return false;
    }

    @Override
    public boolean isTerminated() {
        return false;
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) {
        return true;
    }
}
