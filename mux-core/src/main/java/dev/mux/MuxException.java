package dev.mux;

/**
 * The root of every exception Mux raises at run time.
 *
 * <p>Callers that want to handle "anything Mux reported" catch this type; the subclasses name
 * the causes worth telling apart (a full channel, a closed or unreachable layer). Misuse of an
 * API — a {@code null} argument, an invalid channel name — is not a {@code MuxException}: it
 * throws the usual JDK exception ({@link NullPointerException}, {@link IllegalArgumentException})
 * at once, with a message that names the argument and the value.
 *
 * <p>Instances are immutable and thread-safe.
 */
public class MuxException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates an exception with a message.
     *
     * @param message what went wrong, naming the layer, channel or connection involved
     */
    public MuxException(String message) {
        super(message);
    }

    /**
     * Creates an exception with a message and the cause that led to it.
     *
     * @param message what went wrong, naming the layer, channel or connection involved
     * @param cause   the underlying failure
     */
    public MuxException(String message, Throwable cause) {
        super(message, cause);
    }
}
