package dev.mux.routing;

import dev.mux.consumer.ConnectResult;
import dev.mux.consumer.Scope;
import dev.mux.consumer.WebSocketConsumer;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * What a {@link Router} decided about a handshake: admitted to a route (with the final scope)
 * or refused with an HTTP status.
 *
 * <p>Instances are immutable and thread-safe.
 *
 * @param scope   the scope with route parameters and principal; {@code null} if refused
 * @param factory the matched route's consumer factory; {@code null} if refused
 * @param status  0 if admitted, otherwise {@value ConnectResult#FORBIDDEN} (origin or
 *                authenticator), {@value ConnectResult#NOT_FOUND} (no route) or
 *                {@value ConnectResult#SERVER_ERROR} (the authenticator threw)
 * @param reason  why it was refused, for logs; empty if admitted
 */
public record Admission(Scope scope, Supplier<? extends WebSocketConsumer> factory, int status, String reason) {

    /**
     * Validates the fields.
     *
     * @param scope see the record component
     * @param factory see the record component
     * @param status see the record component
     * @param reason see the record component
     * @throws IllegalArgumentException if an admission has a status, or a refusal has a scope
     */
    public Admission {
        Objects.requireNonNull(reason, "reason must not be null");
        if ((scope == null) != (factory == null)) {
            throw new IllegalArgumentException("an admission needs both scope and factory, a refusal neither");
        }
        if (scope != null && status != 0) {
            throw new IllegalArgumentException("an admission has status 0, was " + status);
        }
        if (scope == null && (status < 400 || status > 599)) {
            throw new IllegalArgumentException("a refusal needs a 4xx or 5xx status, was " + status);
        }
    }

    /**
     * Returns an admission.
     *
     * @param scope   the final scope
     * @param factory the route's consumer factory
     * @return the admission
     */
    public static Admission admitted(Scope scope, Supplier<? extends WebSocketConsumer> factory) {
        return new Admission(Objects.requireNonNull(scope, "scope must not be null"),
                Objects.requireNonNull(factory, "factory must not be null"), 0, "");
    }

    /**
     * Returns a refusal.
     *
     * @param status an HTTP status, 400-599
     * @param reason why, for logs
     * @return the refusal
     */
    public static Admission refused(int status, String reason) {
        return new Admission(null, null, status, reason);
    }

    /**
     * Tells whether the handshake was admitted.
     *
     * @return {@code true} if admitted
     */
    public boolean isAdmitted() {
        return scope != null;
    }

    /**
     * Returns this refusal as the handshake's outcome.
     *
     * @return the refused result
     * @throws IllegalStateException if this is an admission
     */
    public ConnectResult toConnectResult() {
        if (isAdmitted()) {
            throw new IllegalStateException("an admission is not a refusal");
        }
        return ConnectResult.refused(status, reason);
    }
}
