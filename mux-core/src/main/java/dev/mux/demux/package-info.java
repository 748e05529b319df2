/**
 * The stream demultiplexer: many logical streams over one WebSocket, as in Channels 1.x.
 *
 * <p>Frames in both directions are {@code {"stream": "<name>", "payload": {...}}}. A
 * {@link dev.mux.demux.Demultiplexer} routes each inbound frame to the
 * {@link dev.mux.demux.StreamConsumer} mapped to its stream and answers a malformed frame with an
 * error frame instead of dropping it; each stream consumer sends through a
 * {@link dev.mux.demux.StreamHandle} that wraps the envelope, to its socket or to a group.
 * {@link dev.mux.demux.StreamFrames} holds the wire format.
 */
package dev.mux.demux;
