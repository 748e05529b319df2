package dev.mux.redis.interop;

import static dev.mux.redis.interop.InteropScenarios.join;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mux.layer.Message;
import dev.mux.redis.RedisChannelLayer;
import dev.mux.redis.testing.RedisServer;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScoredValue;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.msgpack.core.MessageFormat;
import org.msgpack.core.MessagePack;
import org.msgpack.core.MessageUnpacker;
import org.msgpack.value.ValueType;

/**
 * Reads what the Java layer writes with a plain Redis client and checks it byte by byte against
 * channels_redis 4.x's format: key names, ZSET members of 12 random bytes followed by msgpack
 * (str for text, bin for bytes), scores, TTLs and the {@code __asgi_channel__} routing key.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RedisWireFormatIT {

    /** A process prefix no live layer owns, so nothing consumes what the tests write. */
    private static final String FOREIGN_PROCESS = "specific.0123456789abcdef0123456789abcdef!";

    private RedisServer redis;
    private RedisChannelLayer mux;
    private RedisClient client;
    private StatefulRedisConnection<byte[], byte[]> connection;
    private RedisCommands<byte[], byte[]> raw;

    @BeforeAll
    void start() {
        redis = RedisServer.start();
        mux = RedisChannelLayer.builder().host(redis.uri()).commandTimeout(Duration.ofSeconds(5)).build();
        client = RedisClient.create(RedisURI.create(redis.uri()));
        connection = client.connect(ByteArrayCodec.INSTANCE);
        raw = connection.sync();
    }

    @AfterAll
    void stop() {
        if (connection != null) {
            connection.close();
        }
        if (client != null) {
            client.shutdown();
        }
        if (mux != null) {
            mux.close();
        }
        if (redis != null) {
            redis.close();
        }
    }

    @Test
    void groupAddWritesTheGroupKeyWithTheFullChannelNameScoredByJoinTime() {
        String channel = FOREIGN_PROCESS + "member1";
        double before = System.currentTimeMillis() / 1000.0;

        join(mux.groupAdd("wire-group", channel));

        double after = System.currentTimeMillis() / 1000.0;
        byte[] key = bytes("asgi:group:wire-group");
        assertThat(raw.type(key)).isEqualTo("zset");
        assertThat(raw.zscore(key, bytes(channel))).isBetween(before - 1, after + 1);
        assertThat(raw.ttl(key)).isBetween(86_400L - 10, 86_400L);
    }

    @Test
    void sendToAProcessLocalChannelWritesTwelveBytesThenMsgpackNamingTheFullChannel() throws IOException {
        String channel = FOREIGN_PROCESS + "abc";
        double before = System.currentTimeMillis() / 1000.0;

        join(mux.send(channel, Message.of("type", "wire.test", "text", "hi", "bin", new byte[] {1, 2})));

        double after = System.currentTimeMillis() / 1000.0;
        byte[] key = bytes("asgi" + FOREIGN_PROCESS);
        List<ScoredValue<byte[]>> members = raw.zrangeWithScores(key, 0, -1);
        assertThat(members).hasSize(1);
        assertThat(members.get(0).getScore()).isBetween(before - 1, after + 1);
        assertThat(raw.ttl(key)).isBetween(1L, 60L);

        Map<String, Object> body = decodeBody(members.get(0).getValue());
        assertThat(body).containsOnlyKeys("type", "text", "bin", "__asgi_channel__");
        assertThat(body.get("type")).isEqualTo(new Str("wire.test"));
        assertThat(body.get("text")).isEqualTo(new Str("hi"));
        assertThat(body.get("bin")).isEqualTo(new Bin(new byte[] {1, 2}));
        // A direct send names its one target as a str, not a list.
        assertThat(body.get("__asgi_channel__")).isEqualTo(new Str(channel));
        raw.del(key);
    }

    @Test
    void sendToANormalChannelEncodesChannelsRedisTestVectorExactly() {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("d", List.of());
        Map<String, Object> vector = new LinkedHashMap<>();
        vector.put("a", true);
        vector.put("b", null);
        vector.put("c", c);

        join(mux.send("wire-vector", Message.fromMap(vector)));

        List<byte[]> members = raw.zrange(bytes("asgiwire-vector"), 0, -1);
        assertThat(members).hasSize(1);
        byte[] member = members.get(0);
        // channels_redis tests/test_serializers.py: {"a": True, "b": None, "c": {"d": []}}
        assertThat(Arrays.copyOfRange(member, 12, member.length)).containsExactly(
                0x83, 0xa1, 0x61, 0xc3, 0xa1, 0x62, 0xc0, 0xa1, 0x63, 0x81, 0xa1, 0x64, 0x90);
        raw.del(bytes("asgiwire-vector"));
    }

    @Test
    void identicalMessagesBecomeDistinctMembersThroughTheRandomPrefix() {
        Message m = Message.of("type", "wire.twice");

        join(mux.send("wire-twice", m));
        join(mux.send("wire-twice", m));

        List<byte[]> members = raw.zrange(bytes("asgiwire-twice"), 0, -1);
        assertThat(members).hasSize(2);
        byte[] first = members.get(0);
        byte[] second = members.get(1);
        assertThat(Arrays.copyOfRange(first, 12, first.length))
                .isEqualTo(Arrays.copyOfRange(second, 12, second.length));
        assertThat(Arrays.copyOfRange(first, 0, 12)).isNotEqualTo(Arrays.copyOfRange(second, 0, 12));
        raw.del(bytes("asgiwire-twice"));
    }

    @Test
    void groupSendWritesOneMemberPerProcessKeyListingItsChannels() throws IOException {
        String otherProcess = "specific.fedcba9876543210fedcba9876543210!";
        String a1 = FOREIGN_PROCESS + "a1";
        String a2 = FOREIGN_PROCESS + "a2";
        String b1 = otherProcess + "b1";
        join(mux.groupAdd("wire-fanout", a1));
        join(mux.groupAdd("wire-fanout", a2));
        join(mux.groupAdd("wire-fanout", b1));

        join(mux.groupSend("wire-fanout", Message.of("type", "wire.fanout")));

        List<byte[]> onA = raw.zrange(bytes("asgi" + FOREIGN_PROCESS), 0, -1);
        List<byte[]> onB = raw.zrange(bytes("asgi" + otherProcess), 0, -1);
        assertThat(onA).hasSize(1);
        assertThat(onB).hasSize(1);
        // A group send names its targets as a list, even a list of one.
        assertThat(decodeBody(onA.get(0)).get("__asgi_channel__"))
                .isInstanceOfSatisfying(List.class, l -> assertThat(l).containsExactlyInAnyOrder(new Str(a1), new Str(a2)));
        assertThat(decodeBody(onB.get(0)).get("__asgi_channel__")).isEqualTo(List.of(new Str(b1)));
        assertThat(raw.ttl(bytes("asgi" + otherProcess))).isBetween(1L, 60L);
        raw.del(bytes("asgi" + FOREIGN_PROCESS), bytes("asgi" + otherProcess), bytes("asgi:group:wire-fanout"));
    }

    @Test
    void numbersUseFormatsPythonReadsBackAsTheSameType() throws IOException {
        join(mux.send("wire-numbers", Message.of("int", 5L, "max", Long.MAX_VALUE, "min", Long.MIN_VALUE,
                "float", 2.0, "text", "é", "empty", new byte[0])));

        byte[] member = raw.zrange(bytes("asgiwire-numbers"), 0, -1).get(0);
        Map<String, MessageFormat> formats = formatsOf(member);
        assertThat(formats.get("int").getValueType()).isEqualTo(ValueType.INTEGER);
        assertThat(formats.get("max").getValueType()).isEqualTo(ValueType.INTEGER);
        assertThat(formats.get("min")).isEqualTo(MessageFormat.INT64);
        // A float stays a float even when it is integral: float64, never an integer or float32.
        assertThat(formats.get("float")).isEqualTo(MessageFormat.FLOAT64);
        assertThat(formats.get("text").getValueType()).isEqualTo(ValueType.STRING);
        assertThat(formats.get("empty").getValueType()).isEqualTo(ValueType.BINARY);
        raw.del(bytes("asgiwire-numbers"));
    }

    @Test
    void receivingLeavesNoInflightBackupBehind() throws InterruptedException {
        String channel = mux.newChannel();
        String processKey = "asgi" + Shards.nonLocal(channel);

        join(mux.send(channel, Message.of("type", "wire.inflight")));
        assertThat(join(mux.receive(channel)).type()).isEqualTo("wire.inflight");

        // The acknowledgement (removal of the $inflight copy) may trail the delivery a little.
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (raw.zcard(bytes(processKey + "$inflight")) > 0 && System.nanoTime() < deadline) {
            java.util.concurrent.locks.LockSupport.parkNanos(10_000_000L);
        }
        assertThat(raw.zcard(bytes(processKey + "$inflight"))).isZero();
        assertThat(raw.zcard(bytes(processKey))).isZero();
    }

    @Test
    void aCustomPrefixIsPrependedWithoutASeparator() {
        try (RedisChannelLayer custom = RedisChannelLayer.builder().host(redis.uri()).prefix("muxwire")
                .commandTimeout(Duration.ofSeconds(5)).build()) {
            join(custom.send("jobs", Message.of("type", "wire.prefix")));
            join(custom.groupAdd("g", "jobs"));
        }

        assertThat(raw.zcard(bytes("muxwirejobs"))).isEqualTo(1);
        assertThat(raw.zscore(bytes("muxwire:group:g"), bytes("jobs"))).isNotNull();
        raw.del(bytes("muxwirejobs"), bytes("muxwire:group:g"));
    }

    @Test
    void encryptedMembersAreTwelveBytesThenAFernetTokenWithoutThePlaintext() {
        try (RedisChannelLayer encrypted = RedisChannelLayer.builder().host(redis.uri())
                .symmetricEncryptionKeys(List.of("wire-secret")).commandTimeout(Duration.ofSeconds(5)).build()) {
            long before = System.currentTimeMillis() / 1000;
            join(encrypted.send("wire-encrypted", Message.of("type", "wire.secret", "text", "plaintext-marker")));
            long after = System.currentTimeMillis() / 1000;

            byte[] member = raw.zrange(bytes("asgiwire-encrypted"), 0, -1).get(0);
            String token = new String(member, 12, member.length - 12, StandardCharsets.US_ASCII);
            assertThat(token).matches("[A-Za-z0-9_=-]+").startsWith("gAAAAA");
            byte[] decoded = Base64.getUrlDecoder().decode(token);
            assertThat(decoded[0]).isEqualTo((byte) 0x80);
            long timestamp = ByteBuffer.wrap(decoded, 1, 8).getLong();
            assertThat(timestamp).isBetween(before - 1, after + 1);
            // version + timestamp + IV + AES blocks + HMAC-SHA256
            assertThat((decoded.length - 1 - 8 - 16 - 32) % 16).isZero();
            assertThat(new String(member, StandardCharsets.ISO_8859_1)).doesNotContain("plaintext-marker");
        }
        raw.del(bytes("asgiwire-encrypted"));
    }

    // ---------------------------------------------------------------------------------------
    // An independent msgpack reading, keeping str and bin apart.

    /** A msgpack str. */
    record Str(String value) {
    }

    /** A msgpack bin. */
    record Bin(byte[] value) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Bin b && Arrays.equals(value, b.value);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(value);
        }

        @Override
        public String toString() {
            return "Bin" + Arrays.toString(value);
        }
    }

    private static Map<String, Object> decodeBody(byte[] member) throws IOException {
        try (MessageUnpacker unpacker = MessagePack.newDefaultUnpacker(member, 12, member.length - 12)) {
            @SuppressWarnings("unchecked")
            Map<String, Object> map = (Map<String, Object>) read(unpacker);
            assertThat(unpacker.hasNext()).as("bytes after the msgpack body").isFalse();
            return map;
        }
    }

    private static Map<String, MessageFormat> formatsOf(byte[] member) throws IOException {
        Map<String, MessageFormat> out = new LinkedHashMap<>();
        try (MessageUnpacker unpacker = MessagePack.newDefaultUnpacker(member, 12, member.length - 12)) {
            int n = unpacker.unpackMapHeader();
            for (int i = 0; i < n; i++) {
                String key = unpacker.unpackString();
                out.put(key, unpacker.getNextFormat());
                unpacker.skipValue();
            }
        }
        return out;
    }

    private static Object read(MessageUnpacker u) throws IOException {
        MessageFormat format = u.getNextFormat();
        switch (format.getValueType()) {
            case NIL:
                u.unpackNil();
                return null;
            case BOOLEAN:
                return u.unpackBoolean();
            case INTEGER:
                return u.unpackLong();
            case FLOAT:
                return u.unpackDouble();
            case STRING:
                return new Str(u.unpackString());
            case BINARY:
                return new Bin(u.readPayload(u.unpackBinaryHeader()));
            case ARRAY: {
                int n = u.unpackArrayHeader();
                List<Object> list = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    list.add(read(u));
                }
                return list;
            }
            case MAP: {
                int n = u.unpackMapHeader();
                Map<String, Object> map = new LinkedHashMap<>();
                for (int i = 0; i < n; i++) {
                    assertThat(u.getNextFormat().getValueType()).as("map key format").isEqualTo(ValueType.STRING);
                    map.put(u.unpackString(), read(u));
                }
                return map;
            }
            default:
                throw new AssertionError("unexpected msgpack format " + format);
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
