package dev.mux.jakarta;

import dev.mux.MuxException;

/**
 * Thrown from the handshake to refuse it on a container Mux has no specific support for: the
 * upgrade fails and the container answers with an error status of its choosing (typically
 * 500) instead of the intended {@link #status()}.
 *
 * <p>On Tyrus and Jetty 12 Mux answers with the exact status instead (403, 404, 500, 503), and
 * this exception is not used.
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class HandshakeRefusedException extends MuxException {
    /** Serialization version. */
    private static final long serialVersionUID = 1L;

    /** The HTTP status the handshake should have been answered with. */
    private final int status;

    /**
     * Creates the exception.
     *
     * @param status the HTTP status the handshake should have been answered with
     * @param reason why, naming the path
     */
    public HandshakeRefusedException(int status, String reason) {
        super("handshake refused with " + status + ": " + reason);
        this.status = status;
    }

    /**
     * Returns the HTTP status the handshake should have been answered with.
     *
     * @return the status
     */
    public int status() {
        return status;
    }
}
