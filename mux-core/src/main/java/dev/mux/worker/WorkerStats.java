package dev.mux.worker;

/**
 * Counts of what a {@link Worker} did with the messages it received, since it started.
 *
 * <p>Instances are immutable snapshots and thread-safe.
 *
 * @param received  messages taken from the layer, {@code handled + failed + unhandled} plus
 *                  any still in flight
 * @param handled   messages whose handler returned normally
 * @param failed    messages whose handler (or {@link WorkerConsumer#onUnhandled}) threw
 * @param unhandled messages with an unknown or missing {@code type}, given to
 *                  {@link WorkerConsumer#onUnhandled}
 */
public record WorkerStats(long received, long handled, long failed, long unhandled) {

    /**
     * Validates the counts.
     *
     * @throws IllegalArgumentException if a count is negative
     */
    public WorkerStats {
        if (received < 0 || handled < 0 || failed < 0 || unhandled < 0) {
            throw new IllegalArgumentException("counts must be >= 0, were received=" + received
                    + " handled=" + handled + " failed=" + failed + " unhandled=" + unhandled);
        }
    }

    /**
     * Returns the number of messages the worker is done with, however it went.
     *
     * @return {@code handled + failed + unhandled}
     */
    public long completed() {
        return handled + failed + unhandled;
    }
}
