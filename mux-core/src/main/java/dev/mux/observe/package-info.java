/**
 * Operational visibility: the {@link dev.mux.observe.MuxListener} SPI through which the
 * consumer runtime and the channel layers report what they do — connections opened, refused
 * and closed with their codes, frames in and out, layer sends and receives, failures, messages
 * dropped and why, and reconnections to a layer's store.
 *
 * <p>Mux itself depends on no metrics library: an application turns these events into
 * counters (Micrometer, Prometheus, JMX, logs) with a listener of its own. The default is
 * {@link dev.mux.observe.MuxListener#NOOP}, which costs nothing.
 */
package dev.mux.observe;
