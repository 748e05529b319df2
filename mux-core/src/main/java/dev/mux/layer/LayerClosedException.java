package dev.mux.layer;

import dev.mux.MuxException;

/**
 * Raised by every operation of a layer after {@link ChannelLayer#close()}, and used to fail the
 * receives that were still waiting when it closed.
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class LayerClosedException extends MuxException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message names the layer that is closed and the operation refused
     */
    public LayerClosedException(String message) {
        super(message);
    }
}
