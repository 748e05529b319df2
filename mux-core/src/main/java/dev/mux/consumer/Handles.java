package dev.mux.consumer;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a method as the handler for layer messages of one or more {@code type}s.
 *
 * <p>The method takes one {@link dev.mux.layer.Message} parameter, returns {@code void}, and
 * may have any visibility; it may be declared on the consumer class or a superclass. This is
 * Channels' {@code chat_message(self, event)} for {@code "type": "chat.message"}, spelled the
 * Java way:
 *
 * <pre>{@code
 * @Handles("chat.message")
 * void chatMessage(Message event) {
 *     sendJson(Map.of("message", event.getString("message")));
 * }
 * }</pre>
 *
 * <p>Two methods of one class may not handle the same type; a subclass method overrides a
 * superclass method for the same type. Handlers are found once per class and cached.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface Handles {

    /**
     * The message types this method handles, for example {@code "chat.message"}.
     *
     * @return one or more types
     */
    String[] value();
}
