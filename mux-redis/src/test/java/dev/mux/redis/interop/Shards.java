package dev.mux.redis.interop;

import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;

/**
 * channels_redis' consistent hash, written out again from its definition so that the tests can
 * choose names that land on a given shard without trusting the layer under test.
 */
final class Shards {

    private Shards() {
    }

    /**
     * Returns the shard channels_redis picks for a name: {@code crc32(utf8) & 0xFFF} scaled
     * down to the ring with a float division.
     *
     * @param name the channel, group or key name
     * @param ring the number of hosts
     * @return the shard index, from 0 to {@code ring - 1}
     */
    static int of(String name, int ring) {
        if (ring == 1) {
            return 0;
        }
        CRC32 crc = new CRC32();
        crc.update(name.getBytes(StandardCharsets.UTF_8));
        long value = crc.getValue() & 0xFFF;
        return (int) (value / (4096.0 / ring));
    }

    /**
     * Returns the process part of a process-local name: everything up to and including
     * {@code !}.
     */
    static String nonLocal(String channel) {
        int bang = channel.indexOf('!');
        return bang < 0 ? channel : channel.substring(0, bang + 1);
    }
}
