/**
 * Channel layers: the message bus that connects consumers, processes and machines.
 *
 * <p>A {@link dev.mux.layer.ChannelLayer} moves {@link dev.mux.layer.Message}s between named
 * channels and fans them out to named groups of channels, exactly as Django Channels' channel
 * layers do. Delivery is at most once and first-in first-out per channel; every channel has a
 * capacity, every message an expiry, and every group membership a group expiry, all set by
 * {@link dev.mux.layer.LayerOptions}. Names follow {@link dev.mux.layer.ChannelNames}.
 *
 * <p>Layer implementations live in their own modules ({@code mux-inmemory}, {@code mux-redis});
 * a custom layer implements {@code ChannelLayer} and proves itself against the contract suite
 * in {@code mux-core}'s test-jar.
 */
package dev.mux.layer;
