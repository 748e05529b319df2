package dev.mux.redis.interop;

import static dev.mux.redis.interop.InteropScenarios.join;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mux.layer.Message;
import dev.mux.redis.RedisChannelLayer;
import dev.mux.redis.testing.RedisServer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Symmetric encryption keys that differ between Mux and channels_redis: a message neither side
 * can decrypt must fail visibly (an error on the Python side, a counted undeliverable message on
 * the Java side), never arrive silently altered; and key rotation (several keys, the first
 * encrypts, all decrypt) works across the languages.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EncryptionKeysInteropIT {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private RedisServer redis;
    private RedisChannelLayer mux;
    private PythonPeer python;

    @BeforeAll
    void startRedis() {
        redis = RedisServer.start();
    }

    @AfterEach
    void stopSides() {
        if (python != null) {
            python.close();
            python = null;
        }
        if (mux != null) {
            mux.close();
            mux = null;
        }
        redis.flushAll();
    }

    @AfterAll
    void stopRedis() {
        redis.close();
    }

    private void start(List<String> javaKeys, List<String> pythonKeys) {
        RedisChannelLayer.Builder b = RedisChannelLayer.builder().host(redis.uri())
                .commandTimeout(Duration.ofSeconds(5));
        if (!javaKeys.isEmpty()) {
            b.symmetricEncryptionKeys(javaKeys);
        }
        mux = b.build();
        PythonPeer.Builder p = PythonPeer.builder().host(redis.uri());
        if (!pythonKeys.isEmpty()) {
            p.symmetricEncryptionKeys(pythonKeys);
        }
        python = p.start();
    }

    @Test
    void pythonRejectsAMessageJavaEncryptedWithAnotherKey() {
        start(List.of("java-secret"), List.of("python-secret"));
        String channel = python.newChannel();

        join(mux.send(channel, Message.of("type", "secret.message")));

        assertThatThrownBy(() -> python.receive(channel, WAIT))
                .isInstanceOfSatisfying(PeerException.class, e -> assertThat(e.error()).isEqualTo("InvalidToken"));
    }

    @Test
    void javaCountsAMessagePythonEncryptedWithAnotherKeyAsUndeliverable() {
        start(List.of("java-secret"), List.of("python-secret"));
        String channel = mux.newChannel();
        CompletableFuture<Message> receive = mux.receive(channel).toCompletableFuture();
        long before = mux.undeliverableMessages();

        python.send(channel, Message.of("type", "secret.message"));

        awaitUndeliverable(before + 1);
        assertThat(receive).as("nothing is delivered from a message that does not decrypt").isNotDone();
        // The layer keeps working: a readable message afterwards still arrives.
        join(mux.send(channel, Message.of("type", "after.mismatch")));
        assertThat(join(receive).type()).isEqualTo("after.mismatch");
    }

    @Test
    void javaCountsAPlaintextMessageAsUndeliverableWhenItExpectsEncryption() {
        start(List.of("java-secret"), List.of());
        String channel = mux.newChannel();
        // The layer reads its process key while someone waits on one of its channels.
        CompletableFuture<Message> receive = mux.receive(channel).toCompletableFuture();
        long before = mux.undeliverableMessages();

        python.send(channel, Message.of("type", "plain.message"));

        awaitUndeliverable(before + 1);
        assertThat(receive).isNotDone();
        receive.cancel(true);
    }

    @Test
    void pythonRejectsAnEncryptedMessageWhenItExpectsPlaintext() {
        start(List.of("java-secret"), List.of());
        String channel = python.newChannel();

        join(mux.send(channel, Message.of("type", "secret.message")));

        // Without keys channels_redis unpacks the Fernet token as msgpack and fails.
        assertThatThrownBy(() -> python.receive(channel, WAIT)).isInstanceOf(PeerException.class)
                .satisfies(e -> assertThat(((PeerException) e).isTimeout()).isFalse());
    }

    @Test
    void javaDecryptsWithAnyOfItsKeysDuringARotation() {
        // Java has rotated to "new" but still reads "old"; Python still writes with "old".
        start(List.of("new-secret", "old-secret"), List.of("old-secret"));
        String channel = mux.newChannel();
        Message sent = InteropMessages.everyValueType("rotation.old_key");

        python.send(channel, sent);

        assertThat(join(mux.receive(channel))).isEqualTo(sent);
    }

    @Test
    void pythonDecryptsJavasFirstKeyDuringARotation() {
        // Python has rotated to "new" but still reads "old"; Java writes with its first key.
        start(List.of("new-secret", "old-secret"), List.of("new-secret", "old-secret"));
        String channel = python.newChannel();
        Message sent = InteropMessages.everyValueType("rotation.new_key");

        join(mux.send(channel, sent));

        assertThat(python.receive(channel, WAIT)).isEqualTo(sent);
    }

    @Test
    void javaEncryptsWithItsFirstKeyOnly() {
        // Python knows only the second Java key: Java must not encrypt with it.
        start(List.of("new-secret", "old-secret"), List.of("old-secret"));
        String channel = python.newChannel();

        join(mux.send(channel, Message.of("type", "rotation.first_key")));

        assertThatThrownBy(() -> python.receive(channel, WAIT))
                .isInstanceOfSatisfying(PeerException.class, e -> assertThat(e.error()).isEqualTo("InvalidToken"));
    }

    private void awaitUndeliverable(long atLeast) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (mux.undeliverableMessages() < atLeast && System.nanoTime() < deadline) {
            LockSupport.parkNanos(10_000_000L);
        }
        assertThat(mux.undeliverableMessages()).as("undeliverable messages counted by the Java layer")
                .isGreaterThanOrEqualTo(atLeast);
    }
}
