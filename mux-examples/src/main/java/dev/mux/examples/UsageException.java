package dev.mux.examples;

/**
 * A command line or setting the example server cannot use; the message names the option or
 * environment variable and the value, and is meant for the person who typed it.
 *
 * <p><b>Threading:</b> immutable once thrown.
 */
public class UsageException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what is wrong, naming the option and the value
     */
    public UsageException(String message) {
        super(message);
    }
}
