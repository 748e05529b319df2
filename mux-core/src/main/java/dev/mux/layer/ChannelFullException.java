package dev.mux.layer;

import dev.mux.MuxException;

/**
 * Raised when a {@link ChannelLayer#send send} finds the target channel at its capacity.
 *
 * <p>The message was not queued. Group sends never raise this: they drop the message for the
 * full members and report the count in {@link GroupSendResult#dropped()}.
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class ChannelFullException extends MuxException {
    private static final long serialVersionUID = 1L;

    private final String channel;
    private final int capacity;

    /**
     * Creates the exception for a channel that holds {@code capacity} messages already.
     *
     * @param channel  the full channel
     * @param capacity the capacity in force for that channel
     */
    public ChannelFullException(String channel, int capacity) {
        super("channel " + channel + " is full (capacity " + capacity + ")");
        this.channel = channel;
        this.capacity = capacity;
    }

    /**
     * Returns the channel that was full.
     *
     * @return the channel name, as given to {@code send}
     */
    public String channel() {
        return channel;
    }

    /**
     * Returns the capacity that was in force for the channel.
     *
     * @return the capacity, at least 1
     */
    public int capacity() {
        return capacity;
    }
}
