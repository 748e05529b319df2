package dev.mux.binding.seed;

import java.time.Instant;

/** The seed's model: a message on the board. */
public record Message(Long id, String text, Instant created) {

    /** Returns a copy with an id, as a store assigns it. */
    public Message withId(Long newId) {
        return new Message(newId, text, created);
    }
}
