package dev.mux.internal;

import java.util.Objects;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs steps one at a time, in submission order, on a shared executor: the per-connection
 * queue behind Mux's "one thing at a time per connection" rule, without a thread per
 * connection.
 *
 * <p>A step may finish later than it returns: if it returns a stage, the next step starts only
 * after that stage completes (normally or not). This is how a handler's layer operations (a
 * {@code groupAdd} in {@code onConnect}) complete before the next event is handled, without
 * blocking a thread.
 *
 * <p>At most {@value #BATCH} steps run per executor task, so one busy queue cannot hold a pool
 * thread forever. Steps never run on the submitting thread. Each step happens-before the next.
 *
 * <p>Thread-safe: {@link #submit} may be called from any thread.
 */
public final class SerialQueue {

    private static final Logger log = LoggerFactory.getLogger(SerialQueue.class);
    private static final int BATCH = 64;

    /** One unit of work. */
    @FunctionalInterface
    public interface Step {

        /**
         * Runs the step.
         *
         * @return {@code null} if the step is finished, or a stage the queue waits for before
         *         the next step
         */
        CompletionStage<?> run();
    }

    private final Executor executor;
    private final String name;
    private final ConcurrentLinkedQueue<Step> steps = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean scheduled = new AtomicBoolean();
    private final AtomicInteger size = new AtomicInteger();

    /**
     * Creates a queue.
     *
     * @param executor the shared executor the steps run on
     * @param name     identifies the queue in logs (a connection id)
     */
    public SerialQueue(Executor executor, String name) {
        this.executor = Objects.requireNonNull(executor, "executor must not be null");
        this.name = Objects.requireNonNull(name, "name must not be null");
    }

    /**
     * Queues a step; it runs after every step submitted before it has finished.
     *
     * @param step the step
     */
    public void submit(Step step) {
        Objects.requireNonNull(step, "step must not be null");
        steps.add(step);
        size.incrementAndGet();
        if (scheduled.compareAndSet(false, true)) {
            schedule();
        }
    }

    /**
     * Returns how many steps wait or run.
     *
     * @return the number of steps not yet finished
     */
    public int size() {
        return size.get();
    }

    private void schedule() {
        try {
            executor.execute(this::drain);
        } catch (RejectedExecutionException e) {
            // The executor is shut down: the application is stopping. Nothing can run any more.
            log.warn("{}: executor refused work ({} steps dropped): {}", name, steps.size(), e.toString());
            steps.clear();
            size.set(0);
            scheduled.set(false);
        }
    }

    private void drain() {
        for (int i = 0; i < BATCH; i++) {
            Step step = steps.poll();
            if (step == null) {
                break;
            }
            CompletionStage<?> later;
            try {
                later = step.run();
            } catch (Throwable t) {
                // Steps handle their own failures; this is a last resort that keeps the queue alive.
                log.error("{}: step failed", name, t);
                later = null;
            }
            if (later != null && !later.toCompletableFuture().isDone()) {
                later.whenComplete((r, e) -> {
                    size.decrementAndGet();
                    schedule();
                });
                return; // still "scheduled": the completion resumes draining
            }
            size.decrementAndGet();
        }
        if (!steps.isEmpty()) {
            schedule();
            return;
        }
        scheduled.set(false);
        // A step submitted between the empty poll and the reset must not be stranded.
        if (!steps.isEmpty() && scheduled.compareAndSet(false, true)) {
            schedule();
        }
    }
}
