package dev.mux.redis;

import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;

/**
 * channels_redis' shard choice ({@code utils._consistent_hash}): the CRC32 of the UTF-8 name,
 * masked to 12 bits, scaled onto the ring with a floating-point division.
 *
 * <p>Stateless and thread-safe.
 */
final class ConsistentHash {

    private ConsistentHash() {
    }

    /**
     * Maps a name to a shard index.
     *
     * @param value    a channel name, non-local channel name or group name
     * @param ringSize the number of shards, at least 1
     * @return the index, from 0 to {@code ringSize - 1}
     */
    static int index(String value, int ringSize) {
        if (ringSize == 1) {
            return 0;
        }
        CRC32 crc = new CRC32();
        crc.update(value.getBytes(StandardCharsets.UTF_8));
        long masked = crc.getValue() & 0xFFF;
        double divisor = 4096 / (double) ringSize;
        return (int) (masked / divisor);
    }
}
