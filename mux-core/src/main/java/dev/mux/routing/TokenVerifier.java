package dev.mux.routing;

import java.security.Principal;
import java.util.Optional;

/**
 * Checks a bearer token (an API key, a session id, a signed token) and says whose it is; used
 * by {@link Authenticator#queryToken} and {@link Authenticator#bearerToken}.
 *
 * <pre>{@code
 * TokenVerifier tokens = token -> sessionStore.userFor(token).map(name -> () -> name);
 * }</pre>
 *
 * <p><b>Threading:</b> called on the container's handshake thread, concurrently for different
 * handshakes; implementations must be thread-safe. It may block (a database look-up) but holds
 * a container thread while it does. An exception refuses the handshake with HTTP 500.
 */
@FunctionalInterface
public interface TokenVerifier {

    /**
     * Verifies a token.
     *
     * @param token the token as the client sent it, never {@code null} or empty
     * @return the token's user, or empty when the token is unknown, expired or forged
     */
    Optional<? extends Principal> verify(String token);
}
