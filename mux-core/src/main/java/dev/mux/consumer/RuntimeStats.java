package dev.mux.consumer;

/**
 * A snapshot of a {@link ConsumerRuntime}'s counters, for monitoring and tests.
 *
 * <p>Counters count since the runtime was built. Instances are immutable and thread-safe.
 *
 * @param openConnections    connections connected and not yet disconnected
 * @param accepted           handshakes accepted
 * @param refused            handshakes refused (rejected, timed out, or failed)
 * @param slowClientCloses   connections closed with {@value CloseCodes#TRY_AGAIN_LATER} because the
 *                           client did not read and the outbound queue filled up
 * @param floodCloses        connections closed with {@value CloseCodes#POLICY_VIOLATION} because the
 *                           client sent faster than its consumer handled frames
 * @param errorCloses        connections closed with {@value CloseCodes#INTERNAL_ERROR} after an exception
 *                           in consumer code
 * @param unhandledMessages  layer messages dropped because the consumer has no handler for their type
 * @param rateLimitCloses    connections closed with {@value CloseCodes#POLICY_VIOLATION} because the
 *                           client exceeded {@link ConnectionLimits#maxInboundFramesPerSecond()}
 * @param addressLimitRefusals handshakes refused with {@value ConnectResult#TOO_MANY_REQUESTS} because
 *                           their address held {@link ConnectionLimits#maxConnectionsPerAddress()}
 *                           connections (also counted in {@code refused})
 * @param layerFailures      layer operations started by consumer code that failed because the layer was
 *                           unavailable; the connections stayed open
 */
public record RuntimeStats(int openConnections, long accepted, long refused, long slowClientCloses,
                           long floodCloses, long errorCloses, long unhandledMessages, long rateLimitCloses,
                           long addressLimitRefusals, long layerFailures) {
}
