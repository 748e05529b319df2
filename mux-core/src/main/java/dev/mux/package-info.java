/**
 * Mux: the Django Channels model for Java.
 *
 * <p>This package holds only {@link dev.mux.MuxException}, the root of every run-time error Mux
 * raises. Each concept lives in its own package: {@code dev.mux.layer} (channel layers and
 * messages), {@code dev.mux.consumer} (per-connection consumers), {@code dev.mux.routing}
 * (URL routing), {@code dev.mux.demux} (the stream demultiplexer), {@code dev.mux.binding}
 * (model bindings), {@code dev.mux.jakarta} (the Jakarta WebSocket adapter) and
 * {@code dev.mux.testing} (driving consumers in tests without a server).
 */
package dev.mux;
