package dev.mux.redis.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mux.layer.Message;
import dev.mux.redis.testing.RedisServer;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Checks the harness itself: two channels_redis peers talk through one Redis and every value
 * survives the tagged JSON encoding in both directions, errors come back by name, and a
 * missing Python package fails loudly.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PythonPeerIT {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private RedisServer redis;
    private PythonPeer alice;
    private PythonPeer bob;

    @BeforeAll
    void start() {
        redis = RedisServer.start();
        alice = PythonPeer.builder().host(redis.uri()).capacity(2).start();
        bob = PythonPeer.builder().host(redis.uri()).capacity(2).start();
    }

    @AfterAll
    void stop() {
        if (alice != null) {
            alice.close();
        }
        if (bob != null) {
            bob.close();
        }
        if (redis != null) {
            redis.close();
        }
    }

    @Test
    void peerReportsTheDebianChannelsRedisVersion() {
        assertThat(alice.versions()).containsEntry("channels_redis", "4.0.0");
        assertThat(alice.clientPrefix()).matches("[0-9a-f]{32}");
    }

    @Test
    void everyValueTypeSurvivesAGroupSendBetweenTwoPythonPeers() {
        String channel = bob.newChannel();
        bob.groupAdd("harness-values", channel);
        Message sent = InteropMessages.everyValueType("harness.values");

        alice.groupSend("harness-values", sent);

        assertThat(bob.receive(channel, WAIT)).isEqualTo(sent);
    }

    @Test
    void mapsWhoseOnlyKeyLooksLikeATagArriveUnchanged() {
        String channel = bob.newChannel();
        Message sent = Message.of("type", "harness.tags",
                "bytes_lookalike", java.util.Map.of("$bytes", "AAE="),
                "float_lookalike", java.util.Map.of("$float", "nan"),
                "map_lookalike", java.util.Map.of("$map", java.util.Map.of("$x", 1L)));

        alice.send(channel, sent);

        assertThat(bob.receive(channel, WAIT)).isEqualTo(sent);
    }

    @Test
    void receiveWithNothingQueuedTimesOutByName() {
        String channel = bob.newChannel();

        assertThat(bob.poll(channel, Duration.ofMillis(200))).isEmpty();
        assertThatThrownBy(() -> bob.receive(channel, Duration.ofMillis(200)))
                .isInstanceOfSatisfying(PeerException.class, e -> assertThat(e.isTimeout()).isTrue());
    }

    @Test
    void aFullChannelIsReportedAsChannelFull() {
        String channel = "harness-full";
        alice.send(channel, Message.of("n", 1L));
        alice.send(channel, Message.of("n", 2L));

        assertThatThrownBy(() -> alice.send(channel, Message.of("n", 3L)))
                .isInstanceOfSatisfying(PeerException.class, e -> {
                    assertThat(e.error()).isEqualTo("ChannelFull");
                    assertThat(e.command()).isEqualTo("send");
                });
    }

    @Test
    void anInvalidChannelNameIsReportedWithPythonsError() {
        assertThatThrownBy(() -> alice.send("not valid!", Message.of("type", "x")))
                .isInstanceOfSatisfying(PeerException.class,
                        e -> assertThat(e.error()).isIn("TypeError", "AssertionError"));
    }

    @Test
    void aPythonWithoutChannelsRedisFailsNamingThePackageToInstall() {
        // -S hides the site packages, where Debian installs channels_redis and msgpack.
        assertThatThrownBy(() -> PythonPeer.builder().host(redis.uri())
                        .interpreter(PythonPeer.DEFAULT_PYTHON, "-S").start())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("apt-get install python3-channels-redis")
                .hasMessageContaining("No module named");
    }
}
