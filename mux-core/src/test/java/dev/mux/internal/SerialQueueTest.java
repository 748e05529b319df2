package dev.mux.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SerialQueueTest {

    private final ExecutorService pool = Executors.newFixedThreadPool(4);

    @AfterEach
    void tearDown() {
        pool.shutdownNow();
    }

    @Test
    void stepsRunOneAtATimeInSubmissionOrderFromManyThreads() throws Exception {
        SerialQueue q = new SerialQueue(pool, "test");
        List<Integer> order = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger active = new AtomicInteger();
        AtomicInteger maxActive = new AtomicInteger();
        CountDownLatch done = new CountDownLatch(1000);
        for (int i = 0; i < 1000; i++) {
            int n = i;
            q.submit(() -> {
                maxActive.accumulateAndGet(active.incrementAndGet(), Math::max);
                order.add(n);
                active.decrementAndGet();
                done.countDown();
                return null;
            });
        }
        assertThat(done.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(maxActive.get()).isEqualTo(1);
        for (int i = 0; i < 1000; i++) {
            assertThat(order.get(i)).isEqualTo(i);
        }
    }

    @Test
    void theNextStepWaitsForTheStageOfTheStepBefore() throws Exception {
        SerialQueue q = new SerialQueue(pool, "test");
        CompletableFuture<Void> gate = new CompletableFuture<>();
        List<String> order = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch second = new CountDownLatch(1);
        q.submit(() -> {
            order.add("first");
            return gate;
        });
        q.submit(() -> {
            order.add("second");
            second.countDown();
            return null;
        });
        assertThat(second.await(200, TimeUnit.MILLISECONDS)).isFalse();
        assertThat(q.size()).isEqualTo(2);
        order.add("gate");
        gate.complete(null);
        assertThat(second.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(order).containsExactly("first", "gate", "second");
    }

    @Test
    void aThrowingStepDoesNotStopTheQueue() throws Exception {
        SerialQueue q = new SerialQueue(pool, "test");
        CountDownLatch after = new CountDownLatch(1);
        q.submit(() -> {
            throw new IllegalStateException("expected in this test");
        });
        q.submit(() -> {
            after.countDown();
            return null;
        });
        assertThat(after.await(5, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void aShutDownExecutorDropsStepsWithoutThrowingAtTheSubmitter() {
        ExecutorService dead = Executors.newSingleThreadExecutor();
        dead.shutdown();
        SerialQueue q = new SerialQueue(dead, "test");
        q.submit(() -> null);
        assertThat(q.size()).isZero();
    }
}
