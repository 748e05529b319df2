package dev.mux.observe;

/**
 * The channel layer operations a {@link MuxListener} hears about; a small fixed set, so that
 * metrics tagged with it stay bounded.
 */
public enum LayerOperation {
    /** {@code send(channel, message)}. */
    SEND,
    /** {@code receive(channel)}. */
    RECEIVE,
    /** {@code groupAdd(group, channel)}. */
    GROUP_ADD,
    /** {@code groupDiscard(group, channel)}. */
    GROUP_DISCARD,
    /** {@code groupSend(group, message)}. */
    GROUP_SEND,
    /** {@code flush()}. */
    FLUSH
}
