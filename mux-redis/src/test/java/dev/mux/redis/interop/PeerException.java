package dev.mux.redis.interop;

/**
 * A command the Python peer answered with an error: the Python exception's class name and
 * text, for example {@code ChannelFull}, {@code InvalidToken} or {@code Timeout}.
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class PeerException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** The error name the peer uses when a receive saw nothing within its timeout. */
    public static final String TIMEOUT = "Timeout";

    private final String command;
    private final String error;
    private final String detail;

    /**
     * Creates the exception for one failed command.
     *
     * @param command the command the peer ran
     * @param error   the Python exception's class name
     * @param detail  the Python exception's text
     */
    public PeerException(String command, String error, String detail) {
        super("python peer: " + command + " failed with " + error + ": " + detail);
        this.command = command;
        this.error = error;
        this.detail = detail;
    }

    /**
     * Returns the command that failed.
     *
     * @return the command name, such as {@code send}
     */
    public String command() {
        return command;
    }

    /**
     * Returns the Python exception's class name.
     *
     * @return for example {@code ChannelFull} or {@code InvalidToken}
     */
    public String error() {
        return error;
    }

    /**
     * Returns the Python exception's text.
     *
     * @return the detail, possibly empty
     */
    public String detail() {
        return detail;
    }

    /**
     * Tells whether this is a receive that saw nothing in time.
     *
     * @return {@code true} for {@link #TIMEOUT}
     */
    public boolean isTimeout() {
        return TIMEOUT.equals(error);
    }
}
