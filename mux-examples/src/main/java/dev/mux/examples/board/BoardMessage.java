package dev.mux.examples.board;

import java.time.Instant;
import java.util.regex.Pattern;

/**
 * One message on the board: the model the board's binding ({@code board.message}) publishes.
 *
 * <p>{@code id} is the primary key the database assigns; {@code room} says which room's board
 * shows it; {@code created} is when it was first stored, to the millisecond. A message that is
 * not stored yet (built from a client's "create" request) has neither.
 *
 * <p><b>Threading:</b> immutable and thread-safe.
 *
 * @param id      the primary key, positive; {@code null} before the message is stored
 * @param room    the room, a {@linkplain #checkRoom valid room name}
 * @param message the text, {@linkplain #checkText 1 to} {@value #MAX_TEXT_LENGTH} characters
 * @param created when the message was first stored; {@code null} before
 */
public record BoardMessage(Long id, String room, String message, Instant created) {

    /** The longest text a message may have, in characters. */
    public static final int MAX_TEXT_LENGTH = 1000;

    /**
     * What a room name may look like: 1 to 64 ASCII letters, digits, {@code _} or {@code -}.
     * Names are used in channel-layer group names ({@code chat_<room>}) and in URLs, so they are
     * kept to characters both allow.
     */
    public static final Pattern ROOM_NAME = Pattern.compile("[A-Za-z0-9_-]{1,64}");

    /**
     * Validates the fields. The messages of its exceptions are meant for the person who typed
     * the values: the board's binding sends them back to the client as the request's errors.
     *
     * @throws IllegalArgumentException if {@code id} is not positive, or the room or text is
     *                                  missing or invalid
     */
    public BoardMessage {
        if (id != null && id <= 0) {
            throw new IllegalArgumentException("id must be positive, was " + id);
        }
        checkRoom(room);
        checkText(message);
    }

    /**
     * Checks a room name.
     *
     * @param room the name
     * @return the name
     * @throws IllegalArgumentException if it is {@code null} or does not match {@link #ROOM_NAME}
     */
    public static String checkRoom(String room) {
        if (room == null) {
            throw new IllegalArgumentException("room is required");
        }
        if (!ROOM_NAME.matcher(room).matches()) {
            throw new IllegalArgumentException("room must be 1 to 64 letters, digits, '_' or '-', was '"
                    + abbreviate(room) + "'");
        }
        return room;
    }

    /**
     * Checks a message text.
     *
     * @param text the text
     * @return the text
     * @throws IllegalArgumentException if it is {@code null}, blank, or longer than
     *                                  {@value #MAX_TEXT_LENGTH} characters
     */
    public static String checkText(String text) {
        if (text == null) {
            throw new IllegalArgumentException("message is required");
        }
        if (text.isBlank()) {
            throw new IllegalArgumentException("message must not be blank");
        }
        if (text.length() > MAX_TEXT_LENGTH) {
            throw new IllegalArgumentException("message must be at most " + MAX_TEXT_LENGTH
                    + " characters, was " + text.length());
        }
        return text;
    }

    private static String abbreviate(String value) {
        return value.length() <= 80 ? value : value.substring(0, 77) + "...";
    }
}
