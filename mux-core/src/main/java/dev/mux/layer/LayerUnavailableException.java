package dev.mux.layer;

import dev.mux.MuxException;

/**
 * Raised when a layer cannot reach its backing store (for example Redis is down, paused or
 * unreachable) within the layer's configured timeout.
 *
 * <p>The operation failed and its effect is unknown only where the exception says so; a
 * caller may retry. Layers recover on their own once the store is back.
 *
 * <p>Instances are immutable and thread-safe.
 */
public class LayerUnavailableException extends MuxException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message names the layer, the store and the operation that failed
     * @param cause   the underlying failure, may be {@code null}
     */
    public LayerUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
