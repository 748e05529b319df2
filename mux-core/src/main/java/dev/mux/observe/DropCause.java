package dev.mux.observe;

/**
 * Why a message or frame was dropped instead of delivered, as reported to
 * {@link MuxListener#dropped(String, DropCause, int)}.
 *
 * <p>Every cause here is a drop the contract allows (at-most-once delivery, bounded queues);
 * none is silent: each is counted through the listener and logged by the component that drops.
 */
public enum DropCause {

    /**
     * A channel held its capacity: a {@code send} failed with {@code ChannelFullException}, or a
     * {@code groupSend} skipped a full member.
     */
    CHANNEL_FULL,

    /** A message was not received within the layer's expiry. */
    EXPIRED,

    /**
     * A client did not read: its outbound queue overflowed, the connection was closed with 1013
     * and the frames still queued for it were dropped.
     */
    SLOW_CLIENT,

    /**
     * A message taken from a remote store could not be held because its channel's local buffer
     * was full (the receiver fell behind by more than the channel's capacity).
     */
    BUFFER_FULL,

    /** A message in the store could not be decoded (garbage bytes, wrong msgpack, wrong key). */
    UNDECODABLE,

    /** A message was addressed to no channel this process serves. */
    UNROUTABLE,

    /** A layer message reached a consumer that has no handler for its {@code type}. */
    NO_HANDLER,

    /**
     * The store became unreachable while a message was in flight inside the layer (a message of
     * a shared channel being returned to its queue after its receive was cancelled).
     */
    UNAVAILABLE
}
