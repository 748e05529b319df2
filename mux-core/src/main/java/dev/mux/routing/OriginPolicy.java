package dev.mux.routing;

import dev.mux.consumer.Scope;
import java.util.Collection;
import java.util.List;
import java.util.Objects;

/**
 * Decides whether a handshake's {@code Origin} is allowed: the defence against cross-site
 * WebSocket hijacking, where a page on another site opens a WebSocket to this server with the
 * visitor's cookies.
 *
 * <p>The default, {@link #sameHost()}, allows an {@code Origin} whose host and port equal the
 * request's {@code Host} header, and a handshake without {@code Origin}: browsers always send
 * one, so its absence means a non-browser client, which could forge any header anyway. A
 * refused origin gets HTTP 403 before any consumer exists.
 *
 * <pre>{@code
 * OriginPolicy policy = OriginPolicy.sameHostOr(List.of("https://app.example.com", "https://*.example.org"));
 * }</pre>
 *
 * <p><b>Threading:</b> called on the container's handshake thread, concurrently for different
 * handshakes; implementations must be thread-safe and must not block.
 */
@FunctionalInterface
public interface OriginPolicy {

    /**
     * Decides about one handshake.
     *
     * @param handshake the handshake; its {@code origin} and {@code host} headers matter
     * @return {@code true} to let it through
     */
    boolean allows(Scope handshake);

    /**
     * Allows the same host (and port) as the request's {@code Host} header, and handshakes
     * without {@code Origin}.
     *
     * @return the policy
     */
    static OriginPolicy sameHost() {
        return Origins.SAME_HOST;
    }

    /**
     * Allows the same host, and the listed origins: {@code scheme://host[:port]}, a host
     * wildcard {@code scheme://*.example.com[:port]}, or {@code *} for any origin.
     *
     * @param allowedOrigins origins to allow besides the same host
     * @return the policy
     * @throws IllegalArgumentException if an entry is not an origin; the message quotes it
     */
    static OriginPolicy sameHostOr(Collection<String> allowedOrigins) {
        Objects.requireNonNull(allowedOrigins, "allowedOrigins must not be null");
        return new Origins(List.copyOf(allowedOrigins));
    }

    /**
     * Allows every origin: only for servers that authenticate by something a foreign page
     * cannot send (a token in the first message, not a cookie).
     *
     * @return the policy
     */
    static OriginPolicy anyOrigin() {
        return handshake -> true;
    }
}
