package dev.mux.layer;

/**
 * What a {@link ChannelLayer#groupSend group send} did: how many member channels the message
 * was queued for and how many it was dropped for because they were full.
 *
 * <p>A layer that queues one copy per process rather than per channel (the Redis layer) counts
 * the channels behind each copy. Instances are immutable and thread-safe.
 *
 * @param delivered member channels the message was queued for, {@code >= 0}
 * @param dropped   member channels skipped because they were at capacity, {@code >= 0}
 */
public record GroupSendResult(int delivered, int dropped) {

    /** The result of a send to a group with no members. */
    public static final GroupSendResult EMPTY = new GroupSendResult(0, 0);

    /**
     * Validates the counts.
     *
     * @throws IllegalArgumentException if a count is negative
     */
    public GroupSendResult {
        if (delivered < 0) {
            throw new IllegalArgumentException("delivered must be >= 0, was " + delivered);
        }
        if (dropped < 0) {
            throw new IllegalArgumentException("dropped must be >= 0, was " + dropped);
        }
    }

    /**
     * Returns the number of members the group had when the message was sent.
     *
     * @return {@code delivered + dropped}
     */
    public int members() {
        return delivered + dropped;
    }

    /**
     * Adds two results, for layers that send to a group in parts (per shard).
     *
     * @param other another result
     * @return the sum of both counts
     */
    public GroupSendResult plus(GroupSendResult other) {
        return new GroupSendResult(delivered + other.delivered, dropped + other.dropped);
    }
}
