/**
 * The Mux example application: a chat room in the Django Channels tutorial's protocol and a
 * live message board (a demultiplexed socket with a data binding, plus a REST API), served
 * with its web page by an embedded Jetty, on one node or on several sharing a Redis.
 *
 * <p>{@link dev.mux.examples.ExampleServer} is the entry point of {@code mux-examples.jar};
 * {@link dev.mux.examples.ExampleApp} is the container-independent part to mount elsewhere.
 */
package dev.mux.examples;
