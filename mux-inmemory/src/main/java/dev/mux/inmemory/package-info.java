/**
 * The in-memory channel layer: channels and groups for one process, with the same semantics as
 * the Redis layer and Channels' {@code InMemoryChannelLayer}.
 */
package dev.mux.inmemory;
