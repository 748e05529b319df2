/**
 * Consumers: the code that serves one WebSocket connection, as in Django Channels.
 *
 * <p>Subclass {@link dev.mux.consumer.WebSocketConsumer} (text and binary frames) or
 * {@link dev.mux.consumer.JsonWebSocketConsumer} (JSON), one instance per connection. Layer
 * messages sent to the consumer's channel or to its groups are dispatched by their
 * {@code type} to methods annotated with {@link dev.mux.consumer.Handles}. Everything a
 * consumer handles runs one at a time, in arrival order, on a shared executor; different
 * connections run in parallel.
 *
 * <p>{@link dev.mux.consumer.Scope} describes the connection (path, query, headers, route
 * parameters, principal). {@link dev.mux.consumer.ConnectionLimits} bounds every connection;
 * {@link dev.mux.consumer.CloseCodes} lists the close codes Mux sends and why.
 *
 * <p>{@link dev.mux.consumer.ConsumerRuntime}, {@link dev.mux.consumer.Connection} and
 * {@link dev.mux.consumer.Transport} are the service side that transports use: the Jakarta
 * adapter in {@code dev.mux.jakarta}, the communicator in {@code dev.mux.testing}, or an adapter
 * for another server.
 */
package dev.mux.consumer;
