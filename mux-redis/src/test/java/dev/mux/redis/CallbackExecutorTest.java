package dev.mux.redis;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class CallbackExecutorTest {

    private final CallbackExecutor executor = new CallbackExecutor("test-layer", 2);

    @AfterEach
    void shutDown() throws InterruptedException {
        executor.shutdown(2, TimeUnit.SECONDS);
    }

    @Test
    void runsEveryTaskFromManySubmittersOnItsOwnThreads() throws InterruptedException {
        int perSubmitter = 20_000;
        CountDownLatch done = new CountDownLatch(4 * perSubmitter);
        Set<String> threads = ConcurrentHashMap.newKeySet();
        List<Thread> submitters = new ArrayList<>();
        for (int s = 0; s < 4; s++) {
            Thread t = new Thread(() -> {
                for (int i = 0; i < perSubmitter; i++) {
                    executor.execute(() -> {
                        threads.add(Thread.currentThread().getName());
                        done.countDown();
                    });
                }
            });
            submitters.add(t);
            t.start();
        }
        for (Thread t : submitters) {
            t.join();
        }

        assertThat(done.await(30, TimeUnit.SECONDS)).as("%d tasks never ran", done.getCount()).isTrue();
        assertThat(threads).allSatisfy(name -> assertThat(name).startsWith("test-layer-callback-"));
    }

    @Test
    void aBlockedCallbackHoldsUpTheOthersOnlyUntilTheNextRescue() throws InterruptedException {
        CountDownLatch blocking = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch after = new CountDownLatch(1);
        executor.execute(() -> {
            blocking.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        assertThat(blocking.await(10, TimeUnit.SECONDS)).isTrue();
        executor.execute(after::countDown);

        executor.rescue(); // sees the queue for the first time
        executor.rescue(); // no task started since: starts another thread
        try {
            assertThat(after.await(10, TimeUnit.SECONDS)).as("the task behind the blocked one ran").isTrue();
        } finally {
            release.countDown();
        }
    }

    @Test
    void aFailingTaskDoesNotStopTheOnesAfterIt() throws InterruptedException {
        CountDownLatch after = new CountDownLatch(1);
        executor.execute(() -> {
            throw new IllegalStateException("callback bug");
        });
        executor.execute(after::countDown);

        assertThat(after.await(10, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void afterShutdownTasksRunOnTheCallingThread() throws InterruptedException {
        executor.shutdown(2, TimeUnit.SECONDS);
        List<String> ran = new ArrayList<>();

        executor.execute(() -> ran.add(Thread.currentThread().getName()));

        assertThat(ran).containsExactly(Thread.currentThread().getName());
    }
}
