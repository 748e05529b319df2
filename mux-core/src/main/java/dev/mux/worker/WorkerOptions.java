package dev.mux.worker;

import java.time.Duration;
import java.util.Objects;

/**
 * How a {@link Worker} runs: receivers per channel, how long a graceful stop may take, and how
 * it backs off when the layer fails.
 *
 * <pre>{@code
 * WorkerOptions options = WorkerOptions.builder()
 *     .concurrency(4)
 *     .stopTimeout(Duration.ofSeconds(10))
 *     .build();
 * }</pre>
 *
 * <p>Instances are immutable and thread-safe; builders are not thread-safe.
 */
public final class WorkerOptions {

    /**
     * Default number of concurrent receivers per channel: one, as Channels' {@code runworker},
     * which also keeps the channel's messages in order.
     */
    public static final int DEFAULT_CONCURRENCY = 1;
    /** The most receivers one channel may have in one worker; each is a thread. */
    public static final int MAX_CONCURRENCY = 1024;
    /** Default time {@link Worker#stop()} and {@link Worker#close()} wait for handlers in flight. */
    public static final Duration DEFAULT_STOP_TIMEOUT = Duration.ofSeconds(30);
    /** Default first wait before a receiver retries after the layer failed (for example, Redis down). */
    public static final Duration DEFAULT_RETRY_BACKOFF = Duration.ofMillis(100);
    /** Default longest wait between retries; the wait doubles from the first up to this. */
    public static final Duration DEFAULT_MAX_RETRY_BACKOFF = Duration.ofSeconds(10);

    private static final WorkerOptions DEFAULTS = builder().build();

    private final int concurrency;
    private final Duration stopTimeout;
    private final Duration retryBackoff;
    private final Duration maxRetryBackoff;

    private WorkerOptions(Builder b) {
        this.concurrency = b.concurrency;
        this.stopTimeout = b.stopTimeout;
        this.retryBackoff = b.retryBackoff;
        this.maxRetryBackoff = b.maxRetryBackoff;
    }

    /**
     * Returns the options with every default.
     *
     * @return the default options
     */
    public static WorkerOptions defaults() {
        return DEFAULTS;
    }

    /**
     * Starts a builder with every default.
     *
     * @return a builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Returns a builder holding these options.
     *
     * @return a builder
     */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.concurrency = concurrency;
        b.stopTimeout = stopTimeout;
        b.retryBackoff = retryBackoff;
        b.maxRetryBackoff = maxRetryBackoff;
        return b;
    }

    /**
     * Returns the number of concurrent receivers for channels whose route sets none.
     *
     * @return 1 to {@value #MAX_CONCURRENCY}; default {@value #DEFAULT_CONCURRENCY}
     */
    public int concurrency() {
        return concurrency;
    }

    /**
     * Returns how long {@link Worker#stop()} and {@link Worker#close()} wait for the handlers in
     * flight before interrupting them.
     *
     * @return a positive duration; default 30 s
     */
    public Duration stopTimeout() {
        return stopTimeout;
    }

    /**
     * Returns the first wait before a receiver retries a failed receive.
     *
     * @return a positive duration; default 100 ms
     */
    public Duration retryBackoff() {
        return retryBackoff;
    }

    /**
     * Returns the longest wait between retries of a failed receive.
     *
     * @return a duration at least {@link #retryBackoff()}; default 10 s
     */
    public Duration maxRetryBackoff() {
        return maxRetryBackoff;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof WorkerOptions other
                && concurrency == other.concurrency
                && stopTimeout.equals(other.stopTimeout)
                && retryBackoff.equals(other.retryBackoff)
                && maxRetryBackoff.equals(other.maxRetryBackoff);
    }

    @Override
    public int hashCode() {
        return Objects.hash(concurrency, stopTimeout, retryBackoff, maxRetryBackoff);
    }

    @Override
    public String toString() {
        return "WorkerOptions{concurrency=" + concurrency + ", stopTimeout=" + stopTimeout
                + ", retryBackoff=" + retryBackoff + ", maxRetryBackoff=" + maxRetryBackoff + "}";
    }

    static int requireConcurrency(String name, int value) {
        if (value < 1 || value > MAX_CONCURRENCY) {
            throw new IllegalArgumentException(name + " must be between 1 and " + MAX_CONCURRENCY
                    + ", was " + value);
        }
        return value;
    }

    /**
     * Builds {@link WorkerOptions}; every setter validates its argument at once.
     *
     * <p>Not thread-safe.
     */
    public static final class Builder {
        private int concurrency = DEFAULT_CONCURRENCY;
        private Duration stopTimeout = DEFAULT_STOP_TIMEOUT;
        private Duration retryBackoff = DEFAULT_RETRY_BACKOFF;
        private Duration maxRetryBackoff = DEFAULT_MAX_RETRY_BACKOFF;

        private Builder() {
        }

        /**
         * Sets the number of concurrent receivers per channel, for channels whose route sets
         * none. More than one receiver handles a channel's messages in parallel, so they are no
         * longer handled in the order sent.
         *
         * @param concurrency 1 to {@value WorkerOptions#MAX_CONCURRENCY}; default
         *                    {@value WorkerOptions#DEFAULT_CONCURRENCY}
         * @return this builder
         * @throws IllegalArgumentException if out of range
         */
        public Builder concurrency(int concurrency) {
            this.concurrency = requireConcurrency("concurrency", concurrency);
            return this;
        }

        /**
         * Sets how long a stop without an explicit timeout waits for handlers in flight.
         *
         * @param stopTimeout positive; default 30 s
         * @return this builder
         * @throws NullPointerException     if {@code null}
         * @throws IllegalArgumentException if zero or negative
         */
        public Builder stopTimeout(Duration stopTimeout) {
            this.stopTimeout = requirePositive("stopTimeout", stopTimeout);
            return this;
        }

        /**
         * Sets the first wait before a receiver retries after the layer failed.
         *
         * @param retryBackoff positive; default 100 ms
         * @return this builder
         * @throws NullPointerException     if {@code null}
         * @throws IllegalArgumentException if zero or negative
         */
        public Builder retryBackoff(Duration retryBackoff) {
            this.retryBackoff = requirePositive("retryBackoff", retryBackoff);
            return this;
        }

        /**
         * Sets the longest wait between retries after the layer failed.
         *
         * @param maxRetryBackoff positive; default 10 s
         * @return this builder
         * @throws NullPointerException     if {@code null}
         * @throws IllegalArgumentException if zero or negative
         */
        public Builder maxRetryBackoff(Duration maxRetryBackoff) {
            this.maxRetryBackoff = requirePositive("maxRetryBackoff", maxRetryBackoff);
            return this;
        }

        /**
         * Builds the options.
         *
         * @return immutable options
         * @throws IllegalArgumentException if {@code maxRetryBackoff} is shorter than
         *                                  {@code retryBackoff}
         */
        public WorkerOptions build() {
            if (maxRetryBackoff.compareTo(retryBackoff) < 0) {
                throw new IllegalArgumentException("maxRetryBackoff (" + maxRetryBackoff
                        + ") must not be shorter than retryBackoff (" + retryBackoff + ")");
            }
            return new WorkerOptions(this);
        }

        private static Duration requirePositive(String name, Duration value) {
            Objects.requireNonNull(value, name + " must not be null");
            if (value.isNegative() || value.isZero()) {
                throw new IllegalArgumentException(name + " must be positive, was " + value);
            }
            return value;
        }
    }
}
