package dev.mux.consumer;

import java.time.Duration;
import java.util.Objects;

/**
 * The limits every connection runs under: inbound frame size, inbound backlog and rate, the
 * outbound queue, the time a consumer has to decide on a handshake, and how many connections
 * one remote address may hold.
 *
 * <table>
 *   <caption>Limits, defaults and what happens at the limit</caption>
 *   <tr><th>limit</th><th>default</th><th>at the limit</th></tr>
 *   <tr><td>{@link #maxFrameBytes()}</td><td>{@value #DEFAULT_MAX_FRAME_BYTES} (1 MiB)</td>
 *       <td>close {@value CloseCodes#MESSAGE_TOO_BIG}</td></tr>
 *   <tr><td>{@link #maxPendingFrames()}</td><td>{@value #DEFAULT_MAX_PENDING_FRAMES}</td>
 *       <td>close {@value CloseCodes#POLICY_VIOLATION}</td></tr>
 *   <tr><td>{@link #maxQueuedMessages()}</td><td>{@value #DEFAULT_MAX_QUEUED_MESSAGES}</td>
 *       <td>close {@value CloseCodes#TRY_AGAIN_LATER}</td></tr>
 *   <tr><td>{@link #maxQueuedBytes()}</td><td>{@value #DEFAULT_MAX_QUEUED_BYTES} (4 MiB)</td>
 *       <td>close {@value CloseCodes#TRY_AGAIN_LATER}</td></tr>
 *   <tr><td>{@link #handshakeTimeout()}</td><td>{@link #DEFAULT_HANDSHAKE_TIMEOUT} (5 s)</td>
 *       <td>the handshake is refused with HTTP 403</td></tr>
 *   <tr><td>{@link #maxInboundFramesPerSecond()} with {@link #inboundFrameBurst()}</td>
 *       <td>0: no rate limit</td><td>close {@value CloseCodes#POLICY_VIOLATION} with the reason
 *       {@value #RATE_LIMIT_REASON}</td></tr>
 *   <tr><td>{@link #maxConnectionsPerAddress()}</td><td>0: no cap</td>
 *       <td>the handshake is refused with HTTP {@value ConnectResult#TOO_MANY_REQUESTS}</td></tr>
 * </table>
 *
 * <p>The inbound rate and the per-address cap are off by default because the right numbers
 * depend on the application (a chat client sends a few frames a second, a game many; behind a
 * reverse proxy every client shares the proxy's address). Memory stays bounded without them:
 * {@link #maxPendingFrames()} bounds what a fast sender can queue.
 *
 * <pre>{@code
 * ConnectionLimits limits = ConnectionLimits.builder()
 *     .maxFrameBytes(64 * 1024)
 *     .maxQueuedMessages(256)
 *     .build();
 * }</pre>
 *
 * <p>Instances are immutable and thread-safe; builders are not thread-safe.
 */
public final class ConnectionLimits {

    /** Default largest inbound frame (text in UTF-8 bytes, or binary bytes): 1 MiB. */
    public static final int DEFAULT_MAX_FRAME_BYTES = 1024 * 1024;
    /** Default number of inbound frames that may wait for the consumer. */
    public static final int DEFAULT_MAX_PENDING_FRAMES = 1000;
    /** Default number of outbound messages that may wait for a slow client. */
    public static final int DEFAULT_MAX_QUEUED_MESSAGES = 1024;
    /** Default number of outbound bytes that may wait for a slow client: 4 MiB. */
    public static final long DEFAULT_MAX_QUEUED_BYTES = 4L * 1024 * 1024;
    /** Default time a consumer has to accept or reject a handshake. */
    public static final Duration DEFAULT_HANDSHAKE_TIMEOUT = Duration.ofSeconds(5);
    /** Default inbound rate limit: 0, no limit. */
    public static final int DEFAULT_MAX_INBOUND_FRAMES_PER_SECOND = 0;
    /** Default cap on open connections per remote address: 0, no cap. */
    public static final int DEFAULT_MAX_CONNECTIONS_PER_ADDRESS = 0;
    /** The close reason sent with {@value CloseCodes#POLICY_VIOLATION} when a client exceeds the inbound rate. */
    public static final String RATE_LIMIT_REASON = "inbound rate limit exceeded";

    private static final ConnectionLimits DEFAULTS = builder().build();

    private final int maxFrameBytes;
    private final int maxPendingFrames;
    private final int maxQueuedMessages;
    private final long maxQueuedBytes;
    private final Duration handshakeTimeout;
    private final int maxInboundFramesPerSecond;
    private final int inboundFrameBurst;
    private final int maxConnectionsPerAddress;

    private ConnectionLimits(Builder b) {
        this.maxFrameBytes = b.maxFrameBytes;
        this.maxPendingFrames = b.maxPendingFrames;
        this.maxQueuedMessages = b.maxQueuedMessages;
        this.maxQueuedBytes = b.maxQueuedBytes;
        this.handshakeTimeout = b.handshakeTimeout;
        this.maxInboundFramesPerSecond = b.maxInboundFramesPerSecond;
        this.inboundFrameBurst = b.maxInboundFramesPerSecond == 0 ? 0
                : b.inboundFrameBurst > 0 ? b.inboundFrameBurst : b.maxInboundFramesPerSecond;
        this.maxConnectionsPerAddress = b.maxConnectionsPerAddress;
    }

    /**
     * Returns the limits with every default.
     *
     * @return the default limits
     */
    public static ConnectionLimits defaults() {
        return DEFAULTS;
    }

    /**
     * Starts a builder with every default.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Starts a builder holding these limits.
     *
     * @return a new builder
     */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.maxFrameBytes = maxFrameBytes;
        b.maxPendingFrames = maxPendingFrames;
        b.maxQueuedMessages = maxQueuedMessages;
        b.maxQueuedBytes = maxQueuedBytes;
        b.handshakeTimeout = handshakeTimeout;
        b.maxInboundFramesPerSecond = maxInboundFramesPerSecond;
        b.inboundFrameBurst = inboundFrameBurst;
        b.maxConnectionsPerAddress = maxConnectionsPerAddress;
        return b;
    }

    /**
     * Returns the largest inbound frame: text is measured in UTF-8 bytes. A bigger frame closes
     * the connection with {@value CloseCodes#MESSAGE_TOO_BIG}; the consumer never sees it.
     *
     * @return bytes, at least 1
     */
    public int maxFrameBytes() {
        return maxFrameBytes;
    }

    /**
     * Returns how many inbound frames may wait for the consumer to handle them. A client that
     * sends more closes with {@value CloseCodes#POLICY_VIOLATION}.
     *
     * @return frames, at least 1
     */
    public int maxPendingFrames() {
        return maxPendingFrames;
    }

    /**
     * Returns how many outbound messages may wait to be written, the one being written included.
     * A client that does not read closes with {@value CloseCodes#TRY_AGAIN_LATER} when one more
     * would not fit.
     *
     * @return messages, at least 1
     */
    public int maxQueuedMessages() {
        return maxQueuedMessages;
    }

    /**
     * Returns how many outbound bytes may wait to be written. A message is always queued when
     * the queue is empty, so one message bigger than this limit still goes out.
     *
     * @return bytes, at least 1
     */
    public long maxQueuedBytes() {
        return maxQueuedBytes;
    }

    /**
     * Returns how long a consumer has, from the start of the handshake, to accept or reject
     * it; after that the handshake is refused with HTTP 403. The same time bounds the wait for
     * the container to open an accepted connection.
     *
     * @return a positive duration
     */
    public Duration handshakeTimeout() {
        return handshakeTimeout;
    }

    /**
     * Returns the sustained inbound rate a client may send at, in frames per second; a client
     * that sends faster than this for longer than its {@link #inboundFrameBurst() burst} allows
     * is closed with {@value CloseCodes#POLICY_VIOLATION} and the reason
     * {@value #RATE_LIMIT_REASON}. The frame over the limit is not handed to the consumer.
     *
     * @return frames per second, or 0 for no limit
     */
    public int maxInboundFramesPerSecond() {
        return maxInboundFramesPerSecond;
    }

    /**
     * Returns how many frames a client may send back to back before the rate applies (a token
     * bucket of this size, refilled at {@link #maxInboundFramesPerSecond()}).
     *
     * @return frames; equal to the rate unless set; 0 when there is no rate limit
     */
    public int inboundFrameBurst() {
        return inboundFrameBurst;
    }

    /**
     * Returns how many connections one remote IP address may hold open at once (handshakes in
     * progress included); the next handshake from that address is refused with HTTP
     * {@value ConnectResult#TOO_MANY_REQUESTS}. Connections whose address the container does not
     * reveal are not counted.
     *
     * @return connections, or 0 for no cap
     */
    public int maxConnectionsPerAddress() {
        return maxConnectionsPerAddress;
    }

    @Override
    public boolean equals(Object o) {
        return o == this || (o instanceof ConnectionLimits other
                && maxInboundFramesPerSecond == other.maxInboundFramesPerSecond
                && inboundFrameBurst == other.inboundFrameBurst
                && maxConnectionsPerAddress == other.maxConnectionsPerAddress
                && maxFrameBytes == other.maxFrameBytes
                && maxPendingFrames == other.maxPendingFrames
                && maxQueuedMessages == other.maxQueuedMessages
                && maxQueuedBytes == other.maxQueuedBytes
                && handshakeTimeout.equals(other.handshakeTimeout));
    }

    @Override
    public int hashCode() {
        return Objects.hash(maxFrameBytes, maxPendingFrames, maxQueuedMessages, maxQueuedBytes, handshakeTimeout,
                maxInboundFramesPerSecond, inboundFrameBurst, maxConnectionsPerAddress);
    }

    @Override
    public String toString() {
        return "ConnectionLimits[maxFrameBytes=" + maxFrameBytes + ", maxPendingFrames=" + maxPendingFrames
                + ", maxQueuedMessages=" + maxQueuedMessages + ", maxQueuedBytes=" + maxQueuedBytes
                + ", handshakeTimeout=" + handshakeTimeout + ", maxInboundFramesPerSecond=" + maxInboundFramesPerSecond
                + ", inboundFrameBurst=" + inboundFrameBurst + ", maxConnectionsPerAddress=" + maxConnectionsPerAddress
                + "]";
    }

    /**
     * Builds {@link ConnectionLimits}; every value is checked when set.
     *
     * <p>Not thread-safe.
     */
    public static final class Builder {
        private int maxFrameBytes = DEFAULT_MAX_FRAME_BYTES;
        private int maxPendingFrames = DEFAULT_MAX_PENDING_FRAMES;
        private int maxQueuedMessages = DEFAULT_MAX_QUEUED_MESSAGES;
        private long maxQueuedBytes = DEFAULT_MAX_QUEUED_BYTES;
        private Duration handshakeTimeout = DEFAULT_HANDSHAKE_TIMEOUT;
        private int maxInboundFramesPerSecond = DEFAULT_MAX_INBOUND_FRAMES_PER_SECOND;
        private int inboundFrameBurst;
        private int maxConnectionsPerAddress = DEFAULT_MAX_CONNECTIONS_PER_ADDRESS;

        private Builder() {
        }

        /**
         * Limits the inbound rate with a burst equal to the rate.
         *
         * @param framesPerSecond at least 1, or 0 for no limit; default
         *                        {@value ConnectionLimits#DEFAULT_MAX_INBOUND_FRAMES_PER_SECOND}
         * @return this builder
         * @throws IllegalArgumentException if negative
         */
        public Builder maxInboundFramesPerSecond(int framesPerSecond) {
            return maxInboundFramesPerSecond(framesPerSecond, 0);
        }

        /**
         * Limits the inbound rate: a client may send {@code burst} frames back to back, then
         * {@code framesPerSecond} on average.
         *
         * @param framesPerSecond at least 1, or 0 for no limit
         * @param burst           at least 1, or 0 for a burst equal to the rate
         * @return this builder
         * @throws IllegalArgumentException if either is negative
         */
        public Builder maxInboundFramesPerSecond(int framesPerSecond, int burst) {
            if (framesPerSecond < 0) {
                throw new IllegalArgumentException("maxInboundFramesPerSecond must be >= 0 (0 = no limit), was "
                        + framesPerSecond);
            }
            if (burst < 0) {
                throw new IllegalArgumentException("inboundFrameBurst must be >= 0 (0 = the rate), was " + burst);
            }
            this.maxInboundFramesPerSecond = framesPerSecond;
            this.inboundFrameBurst = burst;
            return this;
        }

        /**
         * Caps the open connections per remote address.
         *
         * @param connections at least 1, or 0 for no cap; default
         *                    {@value ConnectionLimits#DEFAULT_MAX_CONNECTIONS_PER_ADDRESS}
         * @return this builder
         * @throws IllegalArgumentException if negative
         */
        public Builder maxConnectionsPerAddress(int connections) {
            if (connections < 0) {
                throw new IllegalArgumentException("maxConnectionsPerAddress must be >= 0 (0 = no cap), was "
                        + connections);
            }
            this.maxConnectionsPerAddress = connections;
            return this;
        }

        /**
         * Sets the largest inbound frame.
         *
         * @param bytes at least 1; default {@value ConnectionLimits#DEFAULT_MAX_FRAME_BYTES}
         * @return this builder
         * @throws IllegalArgumentException if {@code bytes < 1}
         */
        public Builder maxFrameBytes(int bytes) {
            this.maxFrameBytes = positive("maxFrameBytes", bytes);
            return this;
        }

        /**
         * Sets how many inbound frames may wait for the consumer.
         *
         * @param frames at least 1; default {@value ConnectionLimits#DEFAULT_MAX_PENDING_FRAMES}
         * @return this builder
         * @throws IllegalArgumentException if {@code frames < 1}
         */
        public Builder maxPendingFrames(int frames) {
            this.maxPendingFrames = positive("maxPendingFrames", frames);
            return this;
        }

        /**
         * Sets how many outbound messages may wait for a slow client.
         *
         * @param messages at least 1; default {@value ConnectionLimits#DEFAULT_MAX_QUEUED_MESSAGES}
         * @return this builder
         * @throws IllegalArgumentException if {@code messages < 1}
         */
        public Builder maxQueuedMessages(int messages) {
            this.maxQueuedMessages = positive("maxQueuedMessages", messages);
            return this;
        }

        /**
         * Sets how many outbound bytes may wait for a slow client.
         *
         * @param bytes at least 1; default {@value ConnectionLimits#DEFAULT_MAX_QUEUED_BYTES}
         * @return this builder
         * @throws IllegalArgumentException if {@code bytes < 1}
         */
        public Builder maxQueuedBytes(long bytes) {
            if (bytes < 1) {
                throw new IllegalArgumentException("maxQueuedBytes must be >= 1, was " + bytes);
            }
            this.maxQueuedBytes = bytes;
            return this;
        }

        /**
         * Sets how long a consumer has to decide on a handshake.
         *
         * @param timeout positive; default {@link ConnectionLimits#DEFAULT_HANDSHAKE_TIMEOUT}
         * @return this builder
         * @throws IllegalArgumentException if not positive
         */
        public Builder handshakeTimeout(Duration timeout) {
            Objects.requireNonNull(timeout, "handshakeTimeout must not be null");
            if (timeout.isZero() || timeout.isNegative()) {
                throw new IllegalArgumentException("handshakeTimeout must be positive, was " + timeout);
            }
            this.handshakeTimeout = timeout;
            return this;
        }

        /**
         * Builds the limits.
         *
         * @return immutable limits
         */
        public ConnectionLimits build() {
            return new ConnectionLimits(this);
        }

        private static int positive(String name, int value) {
            if (value < 1) {
                throw new IllegalArgumentException(name + " must be >= 1, was " + value);
            }
            return value;
        }
    }
}
