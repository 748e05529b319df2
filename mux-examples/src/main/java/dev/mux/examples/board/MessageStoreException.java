package dev.mux.examples.board;

import dev.mux.MuxException;

/**
 * The message database failed (it is unreachable, full, or refused a statement). Invalid input
 * is never reported this way: it is an {@link IllegalArgumentException}.
 *
 * <p><b>Threading:</b> immutable once thrown.
 */
public final class MessageStoreException extends MuxException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what failed
     * @param cause   the database's error
     */
    public MessageStoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
