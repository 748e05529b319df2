package dev.mux.worker;

import dev.mux.layer.ChannelNames;
import java.util.Objects;

/**
 * What a {@link WorkerConsumer} knows about where its messages come from: the worker, the
 * channel, and which of that channel's receivers it serves. This is Channels' worker scope
 * {@code {"type": "channel", "channel": name}}, plus the receiver number for logs.
 *
 * <p>Instances are immutable and thread-safe.
 *
 * @param worker   the name of the {@link Worker}, as it appears in its log lines
 * @param channel  the channel the consumer's messages are received from; a normal (shared,
 *                 non-{@code !}) channel name
 * @param receiver which of the channel's concurrent receivers this is, from 0
 */
public record WorkerScope(String worker, String channel, int receiver) {

    /** The value of Channels' {@code scope["type"]} for worker consumers. */
    public static final String TYPE = "channel";

    /**
     * Validates the scope.
     *
     * @throws NullPointerException     if {@code worker} or {@code channel} is {@code null}
     * @throws IllegalArgumentException if the channel name is invalid or process-local, or
     *                                  {@code receiver} is negative
     */
    public WorkerScope {
        Objects.requireNonNull(worker, "worker must not be null");
        ChannelNames.requireValidChannel(channel);
        if (ChannelNames.isProcessLocal(channel)) {
            throw new IllegalArgumentException("channel '" + channel
                    + "' is process-local ('!'); workers receive on shared channels only");
        }
        if (receiver < 0) {
            throw new IllegalArgumentException("receiver must be >= 0, was " + receiver);
        }
    }

    /**
     * Returns Channels' scope type for workers, {@value #TYPE}.
     *
     * @return {@value #TYPE}
     */
    public String type() {
        return TYPE;
    }
}
