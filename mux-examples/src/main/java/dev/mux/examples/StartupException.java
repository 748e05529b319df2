package dev.mux.examples;

import dev.mux.MuxException;

/**
 * The example server could not start: its port is taken, Redis is unreachable, the data
 * directory is not writable, or the database refused. The message says which and what to do.
 *
 * <p><b>Threading:</b> immutable once thrown.
 */
public final class StartupException extends MuxException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what failed, for the person running the server
     * @param cause   the underlying failure, or {@code null}
     */
    public StartupException(String message, Throwable cause) {
        super(message, cause);
    }
}
