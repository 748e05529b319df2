/**
 * A channel layer over Redis, wire-compatible with Python's channels_redis 4.x.
 *
 * <p>{@link dev.mux.redis.RedisChannelLayer} stores messages and groups under the same keys,
 * in the same encoding (12 random bytes followed by msgpack, optionally Fernet-encrypted) and
 * with the same Lua semantics as channels_redis, so a Django Channels service and a Java
 * service can share one Redis and reach each other's channels and groups.
 * {@link dev.mux.redis.RedisLayerOptions} holds its configuration and
 * {@link dev.mux.redis.RedisEndpoint} one shard's address.
 */
package dev.mux.redis;
