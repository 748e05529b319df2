/**
 * Routing: which consumer serves a handshake.
 *
 * <p>A {@link dev.mux.routing.Router} holds {@link dev.mux.routing.Route}s — URL patterns
 * ({@link dev.mux.routing.RoutePattern}: templates like {@code /ws/chat/{room}/} or regexes
 * with named groups) mapped to consumer factories — plus the
 * {@link dev.mux.routing.OriginPolicy} (same host by default) and the
 * {@link dev.mux.routing.Authenticator}. For each handshake it returns an
 * {@link dev.mux.routing.Admission}: the route's factory and a scope carrying the route
 * parameters and the principal, or a refusal with an HTTP status (403 origin or
 * authenticator, 404 no route). Nothing here depends on a server.
 */
package dev.mux.routing;
