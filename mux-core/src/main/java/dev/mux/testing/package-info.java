/**
 * Testing consumers without a server.
 *
 * <p>{@link dev.mux.testing.WebSocketCommunicator} drives a consumer in-process, through the
 * same runtime a container uses: connect, send text or JSON, receive with a timeout, expect
 * nothing, disconnect, and simulate a client that stops reading. It works with any channel
 * layer.
 */
package dev.mux.testing;
