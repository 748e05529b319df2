/**
 * The example's chat: the Django Channels tutorial's {@code ChatConsumer}, protocol for protocol,
 * so that Mux and Django Channels servers on one Redis share their rooms.
 */
package dev.mux.examples.chat;
