package dev.mux.layer;

import java.util.concurrent.CompletionStage;

/**
 * A channel layer: the service interface that moves {@link Message}s between named channels and
 * fans them out to groups, as Django Channels' channel layers do.
 *
 * <h2>Contract</h2>
 * <ul>
 *   <li><b>Asynchronous.</b> Every operation that may wait or do I/O returns a
 *       {@link CompletionStage}. Failures at run time (a full channel, an unreachable store, a
 *       closed layer) complete the stage exceptionally with a {@link dev.mux.MuxException}.
 *       Misuse — a {@code null} argument, an invalid name ({@link ChannelNames}) — throws at
 *       once, before any stage exists.</li>
 *   <li><b>Delivery</b> is at most once and first-in first-out per channel. A message not
 *       received within {@link LayerOptions#expiry()} is dropped.</li>
 *   <li><b>Capacity.</b> {@link #send send} to a channel holding
 *       {@link LayerOptions#capacityFor(String)} messages fails with
 *       {@link ChannelFullException}. {@link #groupSend groupSend} never fails for full
 *       members: it skips them and counts them in {@link GroupSendResult#dropped()}.</li>
 *   <li><b>Groups.</b> A membership lasts {@link LayerOptions#groupExpiry()} after the last
 *       {@link #groupAdd groupAdd}, or until {@link #groupDiscard groupDiscard}. A channel in
 *       two groups gets one copy per group send to each.</li>
 *   <li><b>Process-local channels</b> ({@link #newChannel(String)}) contain {@code !}; only
 *       the layer instance that created a process-local name may {@link #receive receive} on
 *       it.</li>
 *   <li><b>Cancellation.</b> The stage returned by {@link #receive receive} may be cancelled
 *       (or timed out) through {@code toCompletableFuture()}; a cancelled receive takes no
 *       message, so none is lost to it.</li>
 *   <li><b>Closing.</b> After {@link #close()} every operation fails with
 *       {@link LayerClosedException}, and receives still waiting are failed with it.</li>
 * </ul>
 *
 * <p>Every implementation must pass the contract suite published in {@code mux-core}'s
 * test-jar ({@code dev.mux.layer.ChannelLayerContract}).
 *
 * <pre>{@code
 * ChannelLayer layer = ...;
 * String me = layer.newChannel("specific");
 * layer.groupAdd("chat_lobby", me)
 *      .thenCompose(v -> layer.groupSend("chat_lobby", Message.of("type", "chat.message", "text", "hi")))
 *      .thenCompose(result -> layer.receive(me))
 *      .thenAccept(m -> System.out.println(m.getString("text")));
 * }</pre>
 *
 * <p><b>Threading:</b> implementations are thread-safe and may be called from any thread.
 * Stages complete on a layer-owned thread or on the caller's thread; callers must not block in
 * dependent actions they attach to them.
 */
public interface ChannelLayer extends AutoCloseable {

    /** The prefix {@link #newChannel()} uses, as Channels does. */
    String DEFAULT_CHANNEL_PREFIX = "specific";

    /**
     * Returns the options this layer enforces.
     *
     * @return the options, never {@code null}
     */
    LayerOptions options();

    /**
     * Queues a message on a channel.
     *
     * @param channel a valid channel name
     * @param message the message; shared, never copied by the caller afterwards
     * @return a stage that completes when the message is queued, or fails with
     *         {@link ChannelFullException} if the channel is at capacity
     * @throws NullPointerException     if an argument is {@code null}
     * @throws IllegalArgumentException if the channel name is invalid
     */
    CompletionStage<Void> send(String channel, Message message);

    /**
     * Takes the next message from a channel, waiting until one arrives.
     *
     * @param channel a valid channel name; a process-local name must come from this layer
     * @return a stage that completes with the oldest unexpired message; cancelling it gives up
     *         the wait without taking a message
     * @throws NullPointerException     if {@code channel} is {@code null}
     * @throws IllegalArgumentException if the name is invalid, or process-local to another
     *                                  layer instance
     */
    CompletionStage<Message> receive(String channel);

    /**
     * Creates a new, unique, process-local channel name that this layer can receive on.
     *
     * <p>This does no I/O and never blocks.
     *
     * @param prefix the start of the name, a valid channel name without {@code !}
     * @return a name of the form {@code prefix.<process-id>!<random>}
     * @throws IllegalArgumentException if the prefix is invalid
     */
    String newChannel(String prefix);

    /**
     * Creates a new process-local channel name with the prefix
     * {@value #DEFAULT_CHANNEL_PREFIX}.
     *
     * @return a unique name
     */
    default String newChannel() {
        return newChannel(DEFAULT_CHANNEL_PREFIX);
    }

    /**
     * Adds a channel to a group, or refreshes its membership.
     *
     * @param group   a valid group name
     * @param channel a valid channel name
     * @return a stage that completes when the membership is recorded
     * @throws NullPointerException     if an argument is {@code null}
     * @throws IllegalArgumentException if a name is invalid
     */
    CompletionStage<Void> groupAdd(String group, String channel);

    /**
     * Removes a channel from a group; removing a non-member does nothing.
     *
     * @param group   a valid group name
     * @param channel a valid channel name
     * @return a stage that completes when the membership is gone
     * @throws NullPointerException     if an argument is {@code null}
     * @throws IllegalArgumentException if a name is invalid
     */
    CompletionStage<Void> groupDiscard(String group, String channel);

    /**
     * Sends a message to every current member of a group, skipping members that are full.
     *
     * @param group   a valid group name
     * @param message the message
     * @return a stage with how many members got it and how many were skipped as full; it never
     *         fails because a member is full
     * @throws NullPointerException     if an argument is {@code null}
     * @throws IllegalArgumentException if the group name is invalid
     */
    CompletionStage<GroupSendResult> groupSend(String group, Message message);

    /**
     * Removes every message and every group membership this layer can see.
     *
     * @return a stage that completes when the layer is empty
     */
    CompletionStage<Void> flush();

    /**
     * Closes the layer: waiting receives fail with {@link LayerClosedException}, later
     * operations fail the same way, and threads and connections are released. Idempotent.
     */
    @Override
    void close();
}
