package dev.mux.redis;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The Lua scripts of the layer. Each has the same effect on Redis as the commands
 * channels_redis issues for the same operation, done atomically in one round trip.
 *
 * <p>Stateless and thread-safe.
 */
final class Scripts {

    /** A script and its SHA-1, for EVALSHA with an EVAL fallback. */
    record Script(String name, String source, String sha1) {
    }

    /**
     * send: trim expired messages, refuse when full, else add and refresh the key's TTL.
     * channels_redis issues ZREMRANGEBYSCORE, ZCOUNT, ZADD and EXPIRE for this.
     * KEYS[1] = channel key; ARGV = member, score, expiry cutoff, capacity, TTL in ms.
     * Returns 1 when queued, 0 when full.
     */
    static final Script SEND = script("send", """
            redis.call('ZREMRANGEBYSCORE', KEYS[1], 0, ARGV[3])
            if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[4]) then
                return 0
            end
            redis.call('ZADD', KEYS[1], ARGV[2], ARGV[1])
            redis.call('PEXPIRE', KEYS[1], ARGV[5])
            return 1
            """);

    /**
     * Group delivery on one shard, as channels_redis' group send script plus its expiry trim:
     * for each channel key, trim expired messages, then add the key's message if the key holds
     * fewer than its capacity. Returns one flag per key (1 queued, 0 dropped as full) so the
     * caller can count the member channels behind each dropped key.
     * KEYS = channel keys; ARGV = members (one per key), capacities (one per key), score,
     * expiry cutoff, TTL in ms.
     */
    static final Script GROUP_DELIVER = script("group-deliver", """
            local n = #KEYS
            local score = ARGV[2 * n + 1]
            local cutoff = ARGV[2 * n + 2]
            local ttl = ARGV[2 * n + 3]
            local queued = {}
            for i = 1, n do
                redis.call('ZREMRANGEBYSCORE', KEYS[i], 0, cutoff)
                if redis.call('ZCARD', KEYS[i]) < tonumber(ARGV[n + i]) then
                    redis.call('ZADD', KEYS[i], score, ARGV[i])
                    redis.call('PEXPIRE', KEYS[i], ttl)
                    queued[i] = 1
                else
                    queued[i] = 0
                end
            end
            return queued
            """);

    /**
     * Receive, non-blocking. For a key of this process (ending in {@code !}, read by no one
     * else): move messages a previous receive left in flight back into the queue
     * (channels_redis' cleanup script), pop up to ARGV[i] messages and back them up in
     * {@code key$inflight} until they are acknowledged (removed), as channels_redis does after
     * its BZPOPMIN. For a normal channel, which other processes may read too: pop only.
     * Backing up there would let a Python worker's cleanup put the message back while we
     * deliver it, and our cleanup would put back messages Python workers are handling; both
     * duplicate work, so a normal channel is popped atomically and others' in-flight sets are
     * left to their owners. KEYS = queue keys; ARGV[i] = how many to pop from KEYS[i].
     * Returns, per key, a flat list of member, score pairs in score order.
     */
    static final Script POP_BATCH = script("pop-batch", """
            local out = {}
            for i = 1, #KEYS do
                local key = KEYS[i]
                if string.sub(key, -1) == '!' then
                    local inflight = key .. '$inflight'
                    local backed_up = redis.call('ZRANGE', inflight, 0, -1, 'WITHSCORES')
                    for j = #backed_up, 1, -2 do
                        redis.call('ZADD', key, backed_up[j], backed_up[j - 1])
                    end
                    redis.call('DEL', inflight)
                    local popped = redis.call('ZPOPMIN', key, ARGV[i])
                    for j = 1, #popped, 2 do
                        redis.call('ZADD', inflight, popped[j + 1], popped[j])
                    end
                    out[i] = popped
                else
                    out[i] = redis.call('ZPOPMIN', key, ARGV[i])
                end
            end
            return out
            """);

    /**
     * flush: delete every key under the prefix, in batches of 5000 as channels_redis does.
     * ARGV[1] = the KEYS pattern. Returns the number of keys deleted.
     */
    static final Script FLUSH = script("flush", """
            local keys = redis.call('KEYS', ARGV[1])
            for i = 1, #keys, 5000 do
                redis.call('DEL', unpack(keys, i, math.min(i + 4999, #keys)))
            end
            return #keys
            """);

    private Scripts() {
    }

    private static Script script(String name, String source) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-1").digest(source.getBytes(StandardCharsets.UTF_8));
            return new Script(name, source, HexFormat.of().formatHex(digest));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK lacks SHA-1", e);
        }
    }
}
