package dev.mux.layer;

import java.util.Objects;

/**
 * The argument checks a {@link ChannelLayer} operation starts with, and the exception a closed
 * layer fails with: what every layer, bundled or third-party, needs to reject misuse the way the
 * contract suite expects (a {@code null} argument throws {@link NullPointerException} naming
 * it, an invalid name {@link IllegalArgumentException} quoting it, both before any stage
 * exists).
 *
 * <pre>{@code
 * public CompletionStage<Void> groupAdd(String group, String channel) {
 *     LayerChecks.requireGroupMember(group, channel);
 *     if (closed) {
 *         return CompletableFuture.failedFuture(LayerChecks.closed(name, "groupAdd"));
 *     }
 *     ...
 * }
 * }</pre>
 *
 * <p>The single-name checks of {@link ChannelLayer#receive receive} and
 * {@link ChannelLayer#newChannel(String) newChannel} are {@link ChannelNames#requireValidChannel}
 * and {@link ChannelNames#requireValidPrefix}.
 *
 * <p>This class is stateless and thread-safe.
 */
public final class LayerChecks {

    private LayerChecks() {
    }

    /**
     * Checks the arguments of {@link ChannelLayer#send send}: the channel name, then the message.
     *
     * @param channel the channel name
     * @param message the message
     * @throws NullPointerException     if an argument is {@code null}
     * @throws IllegalArgumentException if the channel name is invalid; the message quotes it
     */
    public static void requireSend(String channel, Message message) {
        ChannelNames.requireValidChannel(channel);
        Objects.requireNonNull(message, "message must not be null");
    }

    /**
     * Checks the arguments of {@link ChannelLayer#groupAdd groupAdd} and
     * {@link ChannelLayer#groupDiscard groupDiscard}: the group name, then the channel name.
     *
     * @param group   the group name
     * @param channel the channel name
     * @throws NullPointerException     if an argument is {@code null}
     * @throws IllegalArgumentException if a name is invalid; the message quotes it
     */
    public static void requireGroupMember(String group, String channel) {
        ChannelNames.requireValidGroup(group);
        ChannelNames.requireValidChannel(channel);
    }

    /**
     * Checks the arguments of {@link ChannelLayer#groupSend groupSend}: the group name, then the
     * message.
     *
     * @param group   the group name
     * @param message the message
     * @throws NullPointerException     if an argument is {@code null}
     * @throws IllegalArgumentException if the group name is invalid; the message quotes it
     */
    public static void requireGroupSend(String group, Message message) {
        ChannelNames.requireValidGroup(group);
        Objects.requireNonNull(message, "message must not be null");
    }

    /**
     * Returns the exception a closed layer fails an operation with, worded the same for every
     * layer: {@code "<layer> is closed; <operation> refused"}.
     *
     * @param layer     the layer's name for logs, such as {@code RedisChannelLayer#2}
     * @param operation the operation refused, such as {@code "send"}
     * @return a new exception, to complete the operation's stage with
     */
    public static LayerClosedException closed(String layer, String operation) {
        return new LayerClosedException(layer + " is closed; " + operation + " refused");
    }
}
