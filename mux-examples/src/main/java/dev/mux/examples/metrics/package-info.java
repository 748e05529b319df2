/**
 * The example server's operational visibility: Mux's listener events as Micrometer meters,
 * served in Prometheus format on {@code /metrics}.
 */
package dev.mux.examples.metrics;
