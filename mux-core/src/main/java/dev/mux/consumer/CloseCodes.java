package dev.mux.consumer;

/**
 * The WebSocket close codes Mux uses, with the rule each one answers (RFC 6455 §7.4 and the
 * IANA registry).
 *
 * <table>
 *   <caption>Close codes and when Mux sends them</caption>
 *   <tr><th>code</th><th>name</th><th>sent by Mux when</th></tr>
 *   <tr><td>1000</td><td>{@link #NORMAL}</td><td>the consumer calls {@code close()}</td></tr>
 *   <tr><td>1001</td><td>{@link #GOING_AWAY}</td><td>the runtime or the channel layer shuts down</td></tr>
 *   <tr><td>1002</td><td>{@link #PROTOCOL_ERROR}</td><td>never by Mux; the container sends it for
 *       frames that break RFC 6455 (unmasked, unknown opcode, reserved bits, bad close code)</td></tr>
 *   <tr><td>1003</td><td>{@link #UNSUPPORTED_DATA}</td><td>a JSON consumer receives a binary frame</td></tr>
 *   <tr><td>1006</td><td>{@link #ABNORMAL}</td><td>never sent; reported to {@code onDisconnect} when the
 *       connection dropped without a close frame or the handshake was refused</td></tr>
 *   <tr><td>1007</td><td>{@link #INVALID_PAYLOAD}</td><td>a JSON consumer receives text that is not JSON</td></tr>
 *   <tr><td>1008</td><td>{@link #POLICY_VIOLATION}</td><td>the client sends frames faster than its consumer
 *       handles them ({@link ConnectionLimits#maxPendingFrames()})</td></tr>
 *   <tr><td>1009</td><td>{@link #MESSAGE_TOO_BIG}</td><td>an inbound frame exceeds
 *       {@link ConnectionLimits#maxFrameBytes()}</td></tr>
 *   <tr><td>1011</td><td>{@link #INTERNAL_ERROR}</td><td>consumer code throws, or a layer operation it
 *       started fails</td></tr>
 *   <tr><td>1013</td><td>{@link #TRY_AGAIN_LATER}</td><td>the client does not read and its outbound queue is
 *       full ({@link ConnectionLimits#maxQueuedMessages()}, {@link ConnectionLimits#maxQueuedBytes()})</td></tr>
 * </table>
 *
 * <p>This class only holds constants.
 */
public final class CloseCodes {

    /** 1000: normal closure. */
    public static final int NORMAL = 1000;
    /** 1001: the server is going away (shutdown). */
    public static final int GOING_AWAY = 1001;
    /** 1002: the peer broke the WebSocket protocol; sent by the container, not by Mux. */
    public static final int PROTOCOL_ERROR = 1002;
    /** 1003: the endpoint cannot accept this kind of data (binary to a JSON consumer). */
    public static final int UNSUPPORTED_DATA = 1003;
    /** 1005: no status code was present in the client's close frame; never sent. */
    public static final int NO_STATUS = 1005;
    /** 1006: the connection ended without a close frame; never sent. */
    public static final int ABNORMAL = 1006;
    /** 1007: the payload was not consistent with the message type (invalid JSON). */
    public static final int INVALID_PAYLOAD = 1007;
    /** 1008: the client violated a policy (sends faster than its consumer handles). */
    public static final int POLICY_VIOLATION = 1008;
    /** 1009: an inbound frame was too big. */
    public static final int MESSAGE_TOO_BIG = 1009;
    /** 1011: the server hit an unexpected condition (an exception in consumer code). */
    public static final int INTERNAL_ERROR = 1011;
    /** 1013: try again later (the client did not read and its outbound queue filled up). */
    public static final int TRY_AGAIN_LATER = 1013;

    /** Close reasons are limited to 123 bytes of UTF-8 by RFC 6455. */
    public static final int MAX_REASON_BYTES = 123;

    private CloseCodes() {
    }

    /**
     * Tells whether a server may send this code in a close frame: 1000, 1001-1003, 1007-1014, or
     * an application code 3000-4999.
     *
     * @param code a close code
     * @return {@code true} if it may be sent
     */
    public static boolean isSendable(int code) {
        return code == NORMAL || (code >= 1001 && code <= 1003) || (code >= 1007 && code <= 1014)
                || (code >= 3000 && code <= 4999);
    }

    /**
     * Checks a close code and reason given to {@code close(code, reason)}.
     *
     * @param code   the close code
     * @param reason the reason, may be {@code null}
     * @throws IllegalArgumentException if the code may not be sent or the reason is longer than
     *                                  {@value #MAX_REASON_BYTES} bytes of UTF-8
     */
    static void check(int code, String reason) {
        if (!isSendable(code)) {
            throw new IllegalArgumentException("close code " + code
                    + " may not be sent; use 1000, 1001-1003, 1007-1014 or 3000-4999");
        }
        if (reason != null) {
            int bytes = Utf8.length(reason);
            if (bytes > MAX_REASON_BYTES) {
                throw new IllegalArgumentException("close reason must be at most " + MAX_REASON_BYTES
                        + " bytes of UTF-8, was " + bytes);
            }
        }
    }
}
