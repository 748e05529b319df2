package dev.mux.routing;

import dev.mux.consumer.Scope;

/**
 * Decides who a connection belongs to, from its handshake: Channels' auth middleware.
 *
 * <p>The authenticator sees the handshake as a {@link Scope}: path, query parameters, headers,
 * cookies, route parameters, remote address, and as {@link Scope#principal()} the principal the
 * container authenticated (servlet security), if any. What it returns becomes the consumer's
 * {@code scope().principal()}; a refusal answers the handshake with HTTP 403 before any
 * consumer exists.
 *
 * <pre>{@code
 * Authenticator byToken = handshake -> handshake.queryParam("token")
 *     .flatMap(tokens::lookUp)                    // your own token store
 *     .map(Authentication::user)
 *     .orElse(Authentication.refuse("missing or unknown token"));
 * }</pre>
 *
 * <p><b>Threading:</b> called on the container's handshake thread, concurrently for different
 * handshakes; implementations must be thread-safe. It may block (a database look-up), but
 * holds a container thread while it does. An exception refuses the handshake with HTTP 500 and
 * is logged.
 */
@FunctionalInterface
public interface Authenticator {

    /** Keeps the container's principal if there is one, else lets the connection in anonymously. */
    Authenticator CONTAINER = handshake -> handshake.principal()
            .map(Authentication::user)
            .orElse(Authentication.anonymous());

    /**
     * Decides about one handshake.
     *
     * @param handshake the handshake, with the container's principal if any
     * @return a user, anonymous, or a refusal; never {@code null}
     */
    Authentication authenticate(Scope handshake);
}
