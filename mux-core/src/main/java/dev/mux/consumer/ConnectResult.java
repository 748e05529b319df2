package dev.mux.consumer;

import java.util.Objects;
import java.util.Optional;

/**
 * How a handshake ended: accepted (with the chosen subprotocol, if any) or refused with an HTTP
 * status.
 *
 * <p>Refusals use {@value #FORBIDDEN} when the consumer rejected or closed before accepting,
 * the origin or the authenticator said no, or the consumer did not decide in time;
 * {@value #NOT_FOUND} when no route matched; {@value #SERVER_ERROR} when consumer code or the
 * authenticator threw; {@value #TOO_MANY_REQUESTS} when the client's address holds
 * {@link ConnectionLimits#maxConnectionsPerAddress()} connections; {@value #SERVICE_UNAVAILABLE}
 * when the channel layer was unavailable or the server is shutting down.
 *
 * <p>Instances are immutable and thread-safe.
 *
 * @param accepted    {@code true} if the consumer accepted
 * @param subprotocol the subprotocol chosen by {@code accept(subprotocol)}, or {@code null}
 * @param status      {@value #SWITCHING_PROTOCOLS} when accepted, otherwise the HTTP status of
 *                    the refusal
 * @param reason      a short explanation for logs, never sent to clients in full; empty when
 *                    accepted
 */
public record ConnectResult(boolean accepted, String subprotocol, int status, String reason) {

    /** The HTTP status of an accepted handshake. */
    public static final int SWITCHING_PROTOCOLS = 101;
    /** The HTTP status of a rejected handshake. */
    public static final int FORBIDDEN = 403;
    /** The HTTP status of a handshake no route matched. */
    public static final int NOT_FOUND = 404;
    /** The HTTP status of a handshake from an address that holds too many connections. */
    public static final int TOO_MANY_REQUESTS = 429;
    /** The HTTP status of a handshake that failed on an exception. */
    public static final int SERVER_ERROR = 500;
    /** The HTTP status of a handshake refused because the server or its channel layer is unavailable. */
    public static final int SERVICE_UNAVAILABLE = 503;

    /**
     * Validates the fields.
     *
     * @param accepted see the record component
     * @param subprotocol see the record component
     * @param status see the record component
     * @param reason see the record component
     * @throws IllegalArgumentException if an accepted result has a status other than 101, or a
     *                                  refused one a status outside 400-599
     */
    public ConnectResult {
        Objects.requireNonNull(reason, "reason must not be null");
        if (accepted && status != SWITCHING_PROTOCOLS) {
            throw new IllegalArgumentException("an accepted handshake has status 101, was " + status);
        }
        if (!accepted && (status < 400 || status > 599)) {
            throw new IllegalArgumentException("a refused handshake needs a 4xx or 5xx status, was " + status);
        }
        if (!accepted && subprotocol != null) {
            throw new IllegalArgumentException("a refused handshake has no subprotocol, was " + subprotocol);
        }
    }

    /**
     * Returns an accepted result.
     *
     * @param subprotocol the chosen subprotocol, or {@code null}
     * @return the result
     */
    public static ConnectResult accepted(String subprotocol) {
        return new ConnectResult(true, subprotocol, SWITCHING_PROTOCOLS, "");
    }

    /**
     * Returns a refused result.
     *
     * @param status an HTTP status, 400-599
     * @param reason why, for logs
     * @return the result
     */
    public static ConnectResult refused(int status, String reason) {
        return new ConnectResult(false, null, status, reason);
    }

    /**
     * Returns the chosen subprotocol.
     *
     * @return the subprotocol, or empty if none was chosen
     */
    public Optional<String> chosenSubprotocol() {
        return Optional.ofNullable(subprotocol);
    }
}
