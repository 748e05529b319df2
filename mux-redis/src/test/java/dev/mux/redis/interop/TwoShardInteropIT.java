package dev.mux.redis.interop;

/**
 * Mux and channels_redis sharing two Redis servers as shards, listed in the same order on both
 * sides: every core case, with names chosen so that every shard carries groups, process keys
 * and direct sends.
 */
class TwoShardInteropIT extends InteropScenarios {

    @Override
    int shards() {
        return 2;
    }
}
