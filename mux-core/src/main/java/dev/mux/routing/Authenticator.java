package dev.mux.routing;

import dev.mux.consumer.Scope;
import java.util.List;
import java.util.Objects;

/**
 * Decides who a connection belongs to, from its handshake: Channels' auth middleware.
 *
 * <p>The authenticator sees the handshake as a {@link Scope}: path, query parameters, headers,
 * cookies, route parameters, remote address, and as {@link Scope#principal()} the principal the
 * container authenticated (servlet security), if any. What it returns becomes the consumer's
 * {@code scope().principal()}; a refusal answers the handshake with HTTP 403 before any
 * consumer exists.
 *
 * <p>Ready-made ones: {@link #CONTAINER} (the default), {@link #containerPrincipalRequired()},
 * {@link #queryToken(String, TokenVerifier)} for browsers, {@link #bearerToken(TokenVerifier)}
 * for apps, combined with {@link #firstOf(Authenticator...)}.
 *
 * <pre>{@code
 * TokenVerifier tokens = token -> sessions.userFor(token);        // your own token store
 * Authenticator auth = Authenticator.firstOf(
 *     Authenticator.bearerToken(tokens),                          // apps: Authorization: Bearer …
 *     Authenticator.queryToken("token", tokens));                 // browsers: ?token=…
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
     * Lets in only handshakes the container authenticated (servlet security: BASIC, FORM,
     * client certificates, a session login), as that principal; others are refused with 403.
     *
     * @return the authenticator
     */
    static Authenticator containerPrincipalRequired() {
        return handshake -> handshake.principal()
                .map(Authentication::user)
                .orElse(Authentication.refuse("the container authenticated no principal"));
    }

    /**
     * Authenticates by a token in a query parameter, as browsers must (their WebSocket API sets
     * no headers): {@code wss://host/ws/chat/lobby/?token=…}. A missing, empty or unknown token
     * is refused with 403. Mux never logs query strings, but proxies may: prefer short-lived
     * tokens here.
     *
     * @param parameter the query parameter's name, for example {@code "token"}
     * @param verifier  checks the token
     * @return the authenticator
     * @throws IllegalArgumentException if the parameter name is blank
     */
    static Authenticator queryToken(String parameter, TokenVerifier verifier) {
        Objects.requireNonNull(parameter, "parameter must not be null");
        Objects.requireNonNull(verifier, "verifier must not be null");
        if (parameter.isBlank()) {
            throw new IllegalArgumentException("parameter must not be blank, was '" + parameter + "'");
        }
        return handshake -> Tokens.authenticate(handshake.queryParam(parameter).orElse(null), verifier,
                "query parameter '" + parameter + "'");
    }

    /**
     * Authenticates by an {@code Authorization: Bearer <token>} header, as non-browser clients
     * (mobile apps, services) send it. A missing header, another scheme, or an unknown token is
     * refused with 403.
     *
     * @param verifier checks the token
     * @return the authenticator
     */
    static Authenticator bearerToken(TokenVerifier verifier) {
        Objects.requireNonNull(verifier, "verifier must not be null");
        return handshake -> Tokens.authenticate(Tokens.bearer(handshake.header("authorization").orElse(null)),
                verifier, "Authorization header");
    }

    /**
     * Tries authenticators in order and takes the first that lets the handshake in as a user;
     * if none does, the last one's decision stands. For example a bearer header for apps, else
     * a query token for browsers.
     *
     * @param authenticators at least one
     * @return the authenticator
     * @throws IllegalArgumentException if none is given
     */
    static Authenticator firstOf(Authenticator... authenticators) {
        List<Authenticator> list = List.of(authenticators);
        if (list.isEmpty()) {
            throw new IllegalArgumentException("firstOf needs at least one authenticator");
        }
        return handshake -> {
            Authentication last = null;
            for (Authenticator a : list) {
                last = Objects.requireNonNull(a.authenticate(handshake), "an authenticator returned null");
                if (last.principal().isPresent()) {
                    return last;
                }
            }
            return last;
        };
    }

    /**
     * Decides about one handshake.
     *
     * @param handshake the handshake, with the container's principal if any
     * @return a user, anonymous, or a refusal; never {@code null}
     */
    Authentication authenticate(Scope handshake);
}
