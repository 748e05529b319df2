package dev.mux.redis;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The threads that complete the layer's futures: a queue drained by as few threads as keep up
 * with it, instead of one thread hand-off per task.
 *
 * <p>A plain thread pool wakes a parked thread for nearly every task when tasks come one at a
 * time, as Redis replies do: a futex call and a context switch each, which on a busy machine
 * cost more than completing the future. Here a task only joins the queue while a thread is
 * already draining it; a second thread is woken when the backlog grows beyond
 * {@value #BACKLOG_PER_DRAINER} tasks per running drainer, and {@link #rescue()} (called
 * periodically) adds one when a drainer has made no progress, so that a callback that blocks
 * does not hold up the others for longer than a rescue period.
 *
 * <p>Thread-safe.
 */
final class CallbackExecutor implements Executor {

    /** Queued tasks per running drainer beyond which another thread starts draining. */
    static final int BACKLOG_PER_DRAINER = 256;

    private static final Logger log = LoggerFactory.getLogger(CallbackExecutor.class);

    private final String name;
    private final ExecutorService threads;
    private final int maxDrainers;
    private final ConcurrentLinkedQueue<Runnable> queue = new ConcurrentLinkedQueue<>();
    /** Tasks queued and not yet started. */
    private final AtomicInteger backlog = new AtomicInteger();
    /** Drainers running or about to. */
    private final AtomicInteger drainers = new AtomicInteger();
    /** Tasks started since creation, for {@link #rescue()}. */
    private final AtomicLong started = new AtomicLong();
    private long startedAtLastRescue = -1;

    /**
     * Creates the executor and its (lazily started) daemon threads.
     *
     * @param name        the layer's name, for thread names and logs
     * @param threadCount at most this many threads drain at once
     */
    CallbackExecutor(String name, int threadCount) {
        this.name = name;
        this.maxDrainers = threadCount;
        AtomicInteger count = new AtomicInteger();
        this.threads = Executors.newFixedThreadPool(threadCount, r -> {
            Thread t = new Thread(r, name + "-callback-" + count.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    @Override
    public void execute(Runnable task) {
        queue.offer(task);
        int waiting = backlog.incrementAndGet();
        int running = drainers.get();
        if (running == 0 ? drainers.compareAndSet(0, 1)
                : waiting > running * BACKLOG_PER_DRAINER && running < maxDrainers
                        && drainers.compareAndSet(running, running + 1)) {
            startDrainer();
        }
    }

    /**
     * Starts another drainer if tasks are waiting and no task started since the previous call:
     * a callback is blocking its thread. Called periodically by the layer.
     */
    void rescue() {
        long now = started.get();
        boolean stalled = now == startedAtLastRescue && backlog.get() > 0;
        startedAtLastRescue = now;
        int running = drainers.get();
        if (stalled && running < maxDrainers && drainers.compareAndSet(running, running + 1)) {
            log.debug("{}: callbacks made no progress; starting another callback thread", name);
            startDrainer();
        }
    }

    /** Stops taking tasks; tasks queued already still run, on the calling thread if need be. */
    void shutdown(long timeout, TimeUnit unit) throws InterruptedException {
        threads.shutdown();
        if (!threads.awaitTermination(timeout, unit)) {
            threads.shutdownNow();
        }
    }

    private void startDrainer() {
        try {
            threads.execute(this::drain);
        } catch (RejectedExecutionException closing) {
            // The layer is closing: finish the queue here, as a closed pool's caller would.
            drain();
        }
    }

    private void drain() {
        while (true) {
            for (Runnable task; (task = queue.poll()) != null; ) {
                backlog.decrementAndGet();
                started.incrementAndGet();
                try {
                    task.run();
                } catch (RuntimeException | Error e) {
                    log.error("{}: a callback failed", name, e);
                }
            }
            drainers.decrementAndGet();
            // A task queued after the last poll may have seen this drainer still running and
            // started none: take the queue up again unless another drainer is there for it.
            if (queue.isEmpty() || !drainers.compareAndSet(0, 1)) {
                return;
            }
        }
    }
}
