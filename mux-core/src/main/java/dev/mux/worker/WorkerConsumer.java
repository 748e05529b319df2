package dev.mux.worker;

import dev.mux.consumer.Handles;
import dev.mux.internal.HandlerTable;
import dev.mux.layer.ChannelLayer;
import dev.mux.layer.GroupSendResult;
import dev.mux.layer.Message;
import java.util.Objects;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The base class of consumers that handle messages from a named channel in a {@link Worker}:
 * Channels' worker consumer, dispatching each message by its {@code type} to a
 * {@link Handles @Handles} method.
 *
 * <pre>{@code
 * public final class EmailConsumer extends WorkerConsumer {
 *     private final Mailer mailer;
 *
 *     public EmailConsumer(Mailer mailer) {
 *         this.mailer = mailer;
 *     }
 *
 *     @Handles("email.send")
 *     void sendEmail(Message message) {
 *         mailer.send(message.getString("to"), message.getString("body"));   // may block
 *         groupSend("mail-log", Message.of("type", "email.sent", "to", message.getString("to")))
 *             .toCompletableFuture().join();
 *     }
 * }
 * }</pre>
 *
 * <h2>Dispatch</h2>
 * A message whose {@code type} has a handler goes to that handler. A message with an unknown
 * type, or with no {@code type}, goes to {@link #onUnhandled(Message)}, which logs it by
 * default. An exception thrown by a handler is logged by the worker with the channel and the
 * message type, and the consumer goes on with the next message: unlike Channels, where an
 * uncaught error ends the worker's application instance, one bad message never stops a
 * worker. Delivery is at most once: a message whose handler failed is not retried.
 *
 * <h2>Threading</h2>
 * A {@link Worker} creates one instance per receiver (its {@link ChannelNameRouter} factory is
 * called once for each) and calls that instance's handlers <b>one at a time</b>, on the
 * receiver's own thread, in the order the receiver took the messages. Fields of a consumer
 * therefore need no synchronization; state shared between instances (a store handed to the
 * factory, for example) must be thread-safe. Handlers may block: the receiver takes its next
 * message only after the handler returns, which is also what bounds the work in flight.
 */
public abstract class WorkerConsumer {

    private static final Logger log = LoggerFactory.getLogger(WorkerConsumer.class);

    // Written once by the worker before the first call. Volatile so that threads the consumer
    // starts itself (not only its receiver thread) see them.
    private volatile WorkerScope scope;
    private volatile ChannelLayer layer;

    /** Creates a consumer; the worker attaches its scope and layer before the first message. */
    protected WorkerConsumer() {
    }

    /**
     * Returns where this consumer's messages come from.
     *
     * @return the scope, never {@code null} once the worker has started this consumer
     * @throws IllegalStateException if the consumer is not attached to a worker yet
     */
    protected final WorkerScope scope() {
        if (scope == null) {
            throw new IllegalStateException(getClass().getName() + " is not attached to a worker yet");
        }
        return scope;
    }

    /**
     * Returns the channel layer this consumer's worker receives from, for sends of any kind.
     *
     * @return the layer
     * @throws IllegalStateException if the consumer is not attached to a worker yet
     */
    protected final ChannelLayer layer() {
        if (layer == null) {
            throw new IllegalStateException(getClass().getName() + " is not attached to a worker yet");
        }
        return layer;
    }

    /**
     * Sends a message to a channel through the worker's layer; a shortcut for
     * {@code layer().send(channel, message)}.
     *
     * @param channel a valid channel name
     * @param message the message
     * @return a stage that completes when the message is queued, or fails as
     *         {@link ChannelLayer#send} does
     * @throws NullPointerException     if an argument is {@code null}
     * @throws IllegalArgumentException if the channel name is invalid
     */
    protected final CompletionStage<Void> send(String channel, Message message) {
        return layer().send(channel, message);
    }

    /**
     * Sends a message to every member of a group through the worker's layer; a shortcut for
     * {@code layer().groupSend(group, message)}.
     *
     * @param group   a valid group name
     * @param message the message
     * @return a stage with the delivered and dropped counts, as {@link ChannelLayer#groupSend}
     * @throws NullPointerException     if an argument is {@code null}
     * @throws IllegalArgumentException if the group name is invalid
     */
    protected final CompletionStage<GroupSendResult> groupSend(String group, Message message) {
        return layer().groupSend(group, message);
    }

    /**
     * Called for a message with no {@code type}, or with a type no {@link Handles @Handles}
     * method of this class handles. The default logs it at WARN with the worker, channel and
     * type (never the payload) and drops it; the worker goes on either way.
     *
     * <p>Called on the receiver's thread, serialized with the handlers like any of them.
     *
     * @param message the message nobody handles
     */
    protected void onUnhandled(Message message) {
        WorkerScope s = scope();
        if (message.type() == null) {
            log.warn("worker {} channel {}#{}: message without a 'type' ignored",
                    s.worker(), s.channel(), s.receiver());
        } else {
            log.warn("worker {} channel {}#{}: no handler for message type '{}' in {}; message ignored",
                    s.worker(), s.channel(), s.receiver(), message.type(), getClass().getName());
        }
    }

    /**
     * Binds this instance to its worker; once only, so one instance never serves two receivers
     * (which would break the one-call-at-a-time promise).
     */
    final void attach(WorkerScope scope, ChannelLayer layer) {
        Objects.requireNonNull(scope, "scope must not be null");
        Objects.requireNonNull(layer, "layer must not be null");
        synchronized (this) {
            if (this.scope != null) {
                throw new IllegalStateException("consumer " + getClass().getName() + " already serves "
                        + this.scope.channel() + "#" + this.scope.receiver()
                        + "; a worker consumer factory must return a new instance on every call");
            }
            // Validates the @Handles methods now, so a malformed consumer fails start(), not a message.
            HandlerTable.of(getClass());
            this.scope = scope;
            this.layer = layer;
        }
    }

    /**
     * Dispatches one message by type; whatever the handler throws propagates to the worker.
     * Returns false if the message went to {@link #onUnhandled(Message)}.
     */
    final boolean dispatch(Message message) throws Throwable {
        if (HandlerTable.of(getClass()).invoke(this, message)) {
            return true;
        }
        onUnhandled(message);
        return false;
    }
}
