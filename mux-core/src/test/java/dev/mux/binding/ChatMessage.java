package dev.mux.binding;

import java.time.Instant;

/**
 * The model of the binding tests: a message on a board, in a room. A record, as a Java
 * application would write it; the constructor rejects blank text as a model invariant.
 */
public record ChatMessage(Long id, String text, String room, Instant created) {

    /** Rejects blank text, which bindings answer with a 400 non-field error. */
    public ChatMessage {
        if (text != null && text.isBlank()) {
            throw new IllegalArgumentException("text must not be blank");
        }
    }

    /** Returns a copy in another room. */
    public ChatMessage inRoom(String newRoom) {
        return new ChatMessage(id, text, newRoom, created);
    }

    /** Returns a copy with other text. */
    public ChatMessage withText(String newText) {
        return new ChatMessage(id, newText, room, created);
    }
}
