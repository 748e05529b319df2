package dev.mux.binding;

import java.util.Optional;

/**
 * What a binding does to an instance, inbound (a client's request) and outbound (a broadcast).
 *
 * <p>On the wire each action is its lower-case {@link #wireName() name}:
 * {@code "create"}, {@code "update"}, {@code "delete"}.
 */
public enum Action {
    /** A new instance; a broadcast of it goes to the groups an instance joined. */
    CREATE("create"),
    /** A change to an instance; a broadcast of it goes to the groups an instance stayed in. */
    UPDATE("update"),
    /** A removed instance; a broadcast of it goes to the groups an instance left. */
    DELETE("delete");

    private final String wireName;

    Action(String wireName) {
        this.wireName = wireName;
    }

    /**
     * Returns the name of this action in frames.
     *
     * @return {@code "create"}, {@code "update"} or {@code "delete"}
     */
    public String wireName() {
        return wireName;
    }

    /**
     * Finds the action a frame names.
     *
     * @param name the {@code action} of a frame, case-sensitive as in Channels
     * @return the action, or empty if the name is none of them (or {@code null})
     */
    public static Optional<Action> fromWireName(String name) {
        for (Action a : values()) {
            if (a.wireName.equals(name)) {
                return Optional.of(a);
            }
        }
        return Optional.empty();
    }
}
