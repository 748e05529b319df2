/**
 * The Jakarta WebSocket adapter: the only code in Mux that touches {@code jakarta.websocket}.
 *
 * <p>{@link dev.mux.jakarta.Mux} turns a channel layer, routes, an origin policy, an
 * authenticator and limits into {@link jakarta.websocket.server.ServerEndpointConfig}s for any
 * {@link jakarta.websocket.server.ServerContainer} (Jetty, Tyrus, ...);
 * {@link dev.mux.jakarta.MuxApplicationConfig} deploys the same in a WAR by scanning. The
 * handshake (origin, route, authenticator, the consumer's {@code onConnect}) runs in
 * {@code modifyHandshake}; refusals are answered with their HTTP status on Tyrus and Jetty 12.
 */
package dev.mux.jakarta;
