package dev.mux.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mux.MuxException;
import dev.mux.layer.Message;
import dev.mux.redis.testing.RedisServer;
import dev.mux.redis.testing.TestCertificates;
import java.time.Duration;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** What a layer with wrong credentials or an untrusted certificate gets: a clear failure, no secret in it. */
class RedisCredentialsIT {

    private static final String PASSWORD = "s3cret-for-tests";
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

    private static RedisChannelLayer layer(String uri, boolean trust) {
        RedisChannelLayer.Builder b = RedisChannelLayer.builder().host(uri).commandTimeout(Duration.ofSeconds(3));
        if (trust) {
            b.tlsTrustedCertificates(certificates.certificate());
        }
        return b.build();
    }

    @Test
    void theRightPasswordWorksOverPlainAndTls() {
        for (RedisChannelLayer layer : new RedisChannelLayer[] {layer(redis.uri(), false), layer(redis.tlsUri(), true)}) {
            try (layer) {
                layer.send("c", Message.of("type", "x")).toCompletableFuture().join();
                assertThat(layer.receive("c").toCompletableFuture().join().type()).isEqualTo("x");
            }
        }
    }

    @Test
    void aWrongOrMissingPasswordFailsEveryOperationClearlyWithoutShowingThePassword() {
        String wrong = redis.uri().replace(PASSWORD, "guessed-wrong");
        String none = redis.uri().replace(":" + PASSWORD + "@", "");
        for (String uri : new String[] {wrong, none}) {
            try (RedisChannelLayer layer = layer(uri, false)) {
                assertThatThrownBy(() -> layer.send("c", Message.of("type", "x")).toCompletableFuture().join())
                        .isInstanceOf(CompletionException.class).cause().isInstanceOf(MuxException.class)
                        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("guessed-wrong", PASSWORD)
                                .containsAnyOf("WRONGPASS", "NOAUTH", "auth", "Auth"));
                assertThat(layer.toString() + layer.redisOptions()).doesNotContain("guessed-wrong", PASSWORD);
            }
        }
    }

    @Test
    void anUntrustedCertificateIsRefusedAndTheErrorSaysSo() {
        try (RedisChannelLayer layer = layer(redis.tlsUri(), false)) {
            assertThatThrownBy(() -> layer.send("c", Message.of("type", "x")).toCompletableFuture().join())
                    .isInstanceOf(CompletionException.class).cause().isInstanceOf(MuxException.class)
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContain(PASSWORD));
        }
    }

    @Test
    void aMissingTrustFileIsRefusedWhenTheOptionsAreBuilt() {
        assertThatThrownBy(() -> RedisLayerOptions.builder().tlsTrustedCertificates(java.nio.file.Path.of("/no/such.pem")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("tlsTrustedCertificates");
    }
}
