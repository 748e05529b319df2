package dev.mux.redis;

import dev.mux.layer.ChannelLayer;
import dev.mux.layer.ChannelLayerContract;
import dev.mux.layer.LayerOptions;
import dev.mux.redis.testing.RedisServer;
import dev.mux.redis.testing.TestCertificates;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Runs the channel layer contract, unchanged, over TLS ({@code rediss://}) to a real
 * redis-server that requires a password, with a certificate made for the run.
 */
class RedisTlsPasswordContractIT extends ChannelLayerContract {

    static final String PASSWORD = "s3cret-for-tests";

    private static TestCertificates certificates;
    private static RedisServer redis;

    @BeforeAll
    static void startRedis() {
        certificates = TestCertificates.generate();
        redis = RedisServer.builder().password(PASSWORD).tls(certificates).start();
    }

    @AfterAll
    static void stopRedis() {
        redis.close();
    }

    @Override
    protected ChannelLayer createLayer(LayerOptions options) {
        return RedisChannelLayer.create(RedisLayerOptions.builder()
                .host(redis.tlsUri())
                .tlsTrustedCertificates(certificates.certificate())
                .commandTimeout(Duration.ofSeconds(5))
                .layerOptions(options)
                .build());
    }
}
