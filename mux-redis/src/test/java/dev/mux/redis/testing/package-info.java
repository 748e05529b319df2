/**
 * Test fixtures for the Redis layer: {@link dev.mux.redis.testing.RedisServer} runs a real
 * {@code redis-server} on a free loopback port for the duration of a test, and
 * {@link dev.mux.redis.testing.RedisSentinel} a Sentinel monitoring one.
 */
package dev.mux.redis.testing;
