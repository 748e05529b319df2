package dev.mux.internal;

import dev.mux.consumer.Handles;
import dev.mux.layer.Message;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * The {@link Handles} methods of one class, found once and cached, keyed by message type.
 *
 * <p>Thread-safe: tables are immutable once built.
 */
public final class HandlerTable {

    private static final ClassValue<HandlerTable> CACHE = new ClassValue<>() {
        @Override
        protected HandlerTable computeValue(Class<?> type) {
            return build(type);
        }
    };

    private final Map<String, MethodHandle> handlers;

    private HandlerTable(Map<String, MethodHandle> handlers) {
        this.handlers = handlers;
    }

    /**
     * Returns the table of a class, building and caching it on first use.
     *
     * @param type the consumer class
     * @return its handlers
     * @throws IllegalArgumentException if a handler method has the wrong shape or two methods
     *                                  of one class claim the same type
     */
    public static HandlerTable of(Class<?> type) {
        return CACHE.get(type);
    }

    /**
     * Returns the types this table handles.
     *
     * @return an unmodifiable set
     */
    public Set<String> types() {
        return handlers.keySet();
    }

    /**
     * Tells whether a type has a handler.
     *
     * @param type a message type
     * @return {@code true} if handled
     */
    public boolean handles(String type) {
        return type != null && handlers.containsKey(type);
    }

    /**
     * Calls the handler for the message's type.
     *
     * @param target  the instance to call it on
     * @param message the message
     * @return {@code false} if no handler exists for the type (nothing was called)
     * @throws Throwable whatever the handler threw
     */
    public boolean invoke(Object target, Message message) throws Throwable {
        String type = message.type();
        MethodHandle handle = type == null ? null : handlers.get(type);
        if (handle == null) {
            return false;
        }
        handle.invoke(target, message);
        return true;
    }

    private static HandlerTable build(Class<?> type) {
        Map<String, MethodHandle> found = new HashMap<>();
        // Walk from the class up so that a subclass wins over its superclasses.
        for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
            Map<String, Method> level = new HashMap<>();
            for (Method m : c.getDeclaredMethods()) {
                Handles h = m.getAnnotation(Handles.class);
                if (h == null) {
                    continue;
                }
                check(m);
                for (String t : h.value()) {
                    if (t == null || t.isEmpty()) {
                        throw new IllegalArgumentException("@Handles on " + describe(m) + " names an empty type");
                    }
                    Method other = level.put(t, m);
                    if (other != null) {
                        throw new IllegalArgumentException("message type '" + t + "' is handled by both "
                                + describe(other) + " and " + describe(m));
                    }
                    if (!found.containsKey(t)) {
                        found.put(t, unreflect(m));
                    }
                }
            }
        }
        return new HandlerTable(Collections.unmodifiableMap(found));
    }

    private static void check(Method m) {
        if (Modifier.isStatic(m.getModifiers())) {
            throw new IllegalArgumentException("@Handles method " + describe(m) + " must not be static");
        }
        if (m.getParameterCount() != 1 || m.getParameterTypes()[0] != Message.class) {
            throw new IllegalArgumentException("@Handles method " + describe(m)
                    + " must take exactly one dev.mux.layer.Message parameter");
        }
    }

    private static MethodHandle unreflect(Method m) {
        try {
            m.setAccessible(true);
            return MethodHandles.lookup().unreflect(m)
                    .asType(MethodType.methodType(void.class, Object.class, Message.class));
        } catch (IllegalAccessException | RuntimeException e) {
            throw new IllegalArgumentException("@Handles method " + describe(m) + " is not accessible: " + e, e);
        }
    }

    private static String describe(Method m) {
        return m.getDeclaringClass().getName() + "." + m.getName();
    }
}
