package io.github.kafkarestgateway.kafka;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The pool where requests go on after an asynchronous step: a thread per waiting task, no more threads than that. */
class ContinuationPoolTest {

    @Test
    void tasksThatDoNotWaitShareAFewThreads() throws Exception {
        ContinuationPool pool = new ContinuationPool("test", 32);
        try {
            for (int i = 0; i < 1000; i++) {
                CountDownLatch done = new CountDownLatch(1);
                pool.execute(done::countDown);
                assertTrue(done.await(30, TimeUnit.SECONDS));
                // the thread has finished the task (a thread still finishing its task counts as busy, and how long
                // that takes depends on the machine): then it is idle
                await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(1))
                        .until(() -> pool.getActiveCount() == 0);
            }
            // an idle thread is used before another starts, not one per task up to the bound
            assertEquals(1, pool.getLargestPoolSize(), pool.getLargestPoolSize() + " threads");
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void tasksThatWaitGetAThreadEachUpToTheBoundThenQueue() throws Exception {
        ContinuationPool pool = new ContinuationPool("test", 8);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger waiting = new AtomicInteger();
        AtomicInteger finished = new AtomicInteger();
        try {
            for (int i = 0; i < 12; i++) {
                pool.execute(() -> {
                    waiting.incrementAndGet();
                    try {
                        release.await(30, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    finished.incrementAndGet();
                });
            }
            // eight wait side by side (not one after the other); the other four queue for a thread
            await().atMost(Duration.ofSeconds(30)).until(() -> waiting.get() == 8);
            assertEquals(4, pool.getQueue().size());
            assertEquals(8, pool.getPoolSize());
            release.countDown();
            await().atMost(Duration.ofSeconds(30)).until(() -> finished.get() == 12);
        } finally {
            pool.shutdownNow();
        }
    }
}
