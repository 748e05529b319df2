package dev.mux.redis.interop;

import java.util.List;

/**
 * Mux and channels_redis with the same symmetric encryption keys (Fernet, as channels_redis
 * derives them) on one Redis: every core case must still hold with encrypted messages.
 */
class EncryptedInteropIT extends InteropScenarios {

    @Override
    int shards() {
        return 1;
    }

    @Override
    List<String> keys() {
        return List.of("interop-secret-one", "interop-secret-two");
    }
}
