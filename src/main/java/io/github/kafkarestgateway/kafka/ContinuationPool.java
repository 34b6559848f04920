package io.github.kafkarestgateway.kafka;

import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The threads on which requests go on after an asynchronous step (topic check, Idempotency-Key claim, v2 batch).
 * What follows such a step may wait in the producer's send (metadata, buffer space) for up to {@code max.block.ms},
 * and all the requests that waited for one topic check go on at once: each gets a thread of its own rather than
 * waiting for the one before it. An idle thread is used first; only when every thread is busy does another start, up
 * to {@code maxThreads}; beyond that, tasks queue. Threads idle for a minute end, so under a load that never waits a
 * few threads serve (each thread costs memory: with a thread per task up to 32, the benchmark's batch load took
 * 50 to 100 MB more RSS).
 */
public final class ContinuationPool extends ThreadPoolExecutor {

    private final AtomicInteger submitted = new AtomicInteger();

    public ContinuationPool(String name, int maxThreads) {
        super(1, maxThreads, 60, TimeUnit.SECONDS, new EagerQueue(), new Threads(name));
        ((EagerQueue) getQueue()).pool = this;
        allowCoreThreadTimeOut(true);
        setRejectedExecutionHandler((task, pool) -> {
            if (pool.isShutdown()) {
                throw new RejectedExecutionException("the continuation pool is shut down");
            }
            // every thread busy and no more may start: wait for one
            ((EagerQueue) getQueue()).enqueue(task);
        });
    }

    @Override
    public void execute(Runnable task) {
        submitted.incrementAndGet();
        try {
            super.execute(task);
        } catch (RuntimeException e) {
            submitted.decrementAndGet();
            throw e;
        }
    }

    @Override
    protected void afterExecute(Runnable task, Throwable failure) {
        submitted.decrementAndGet();
    }

    /** A queue that refuses a task while all threads are busy and another may start, so that the pool grows first. */
    private static final class EagerQueue extends LinkedBlockingQueue<Runnable> {
        private volatile ContinuationPool pool;

        @Override
        public boolean offer(Runnable task) {
            ContinuationPool p = pool;
            if (p != null && p.submitted.get() > p.getPoolSize() && p.getPoolSize() < p.getMaximumPoolSize()) {
                return false;
            }
            return super.offer(task);
        }

        void enqueue(Runnable task) {
            super.offer(task);
        }
    }

    private static final class Threads implements java.util.concurrent.ThreadFactory {
        private final String name;
        private final AtomicInteger count = new AtomicInteger();

        Threads(String name) {
            this.name = name;
        }

        @Override
        public Thread newThread(Runnable task) {
            Thread thread = new Thread(task, name + " #" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        }
    }
}
