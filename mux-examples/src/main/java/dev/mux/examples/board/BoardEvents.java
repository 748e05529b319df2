package dev.mux.examples.board;

/**
 * Where changes made outside the board's socket stream (through the REST API, say) are
 * reported, so that every page showing the board sees them live.
 *
 * <p>In the example server this is the board's binding: {@code saved} and {@code deleted}
 * broadcast the change to the binding's groups exactly as a change made through the socket is.
 *
 * <p><b>Threading:</b> implementations are thread-safe; they are called on the thread that
 * made the change, after it was committed, and must not block for long.
 */
public interface BoardEvents {

    /** Reports nothing; for a board nobody watches. */
    BoardEvents NONE = new BoardEvents() {
        @Override
        public void saved(BoardMessage message, boolean created) {
        }

        @Override
        public void deleted(BoardMessage message) {
        }
    };

    /**
     * Reports a message that was created or changed.
     *
     * @param message the message as stored
     * @param created {@code true} if it is new, {@code false} if it was changed
     */
    void saved(BoardMessage message, boolean created);

    /**
     * Reports a message that was deleted.
     *
     * @param message the message as it was before it was deleted
     */
    void deleted(BoardMessage message);
}
