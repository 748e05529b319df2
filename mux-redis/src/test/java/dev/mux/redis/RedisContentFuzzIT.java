package dev.mux.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mux.fuzz.Fuzz;
import dev.mux.layer.ChannelNames;
import dev.mux.layer.Message;
import dev.mux.observe.CountingListener;
import dev.mux.observe.DropCause;
import dev.mux.redis.testing.RedisServer;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.msgpack.core.MessageBufferPacker;
import org.msgpack.core.MessagePack;

/**
 * Garbage in this process's Redis key — random bytes, wrong msgpack, lying lengths, routing to
 * nobody — is logged, counted and skipped: the receive loop goes on and delivers the next real
 * message, in order.
 */
class RedisContentFuzzIT {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private RedisServer redis;
    private RedisChannelLayer layer;
    private RedisClient raw;
    private StatefulRedisConnection<byte[], byte[]> rawConnection;
    private final CountingListener counts = new CountingListener();

    @BeforeEach
    void start() {
        redis = RedisServer.start();
        layer = RedisChannelLayer.builder().host(redis.uri()).listener(counts).build();
        raw = RedisClient.create(redis.uri());
        rawConnection = raw.connect(ByteArrayCodec.INSTANCE);
    }

    @AfterEach
    void stop() {
        rawConnection.close();
        raw.shutdown();
        layer.close();
        redis.close();
    }

    private record Garbage(String kind, byte[] member, DropCause cause) {
    }

    private static final java.util.Random PREFIXES = new java.util.Random(1);

    /** Twelve random bytes first, as the layer writes them: equal members would be one ZSET member. */
    private static byte[] prefixed(byte[] body) {
        byte[] out = new byte[12 + body.length];
        byte[] prefix = new byte[12];
        PREFIXES.nextBytes(prefix);
        System.arraycopy(prefix, 0, out, 0, 12);
        System.arraycopy(body, 0, out, 12, body.length);
        return out;
    }

    private static byte[] msgpack(PackStep step) throws IOException {
        try (MessageBufferPacker p = MessagePack.newDefaultBufferPacker()) {
            step.pack(p);
            return p.toByteArray();
        }
    }

    @FunctionalInterface
    private interface PackStep {
        void pack(MessageBufferPacker p) throws IOException;
    }

    private Garbage next(Fuzz fuzz, String channel) throws IOException {
        switch (fuzz.nextInt(13)) {
            case 0:
                return new Garbage("too short", fuzz.bytes(12), DropCause.UNDECODABLE);
            case 1:
                return new Garbage("random bytes", prefixed(fuzz.bytes(200)), DropCause.UNDECODABLE);
            case 2:
                return new Garbage("msgpack that is not a map",
                        prefixed(msgpack(p -> p.packArrayHeader(1).packInt(5))), DropCause.UNDECODABLE);
            case 3:
                return new Garbage("a map with an integer key",
                        prefixed(msgpack(p -> p.packMapHeader(1).packInt(1).packString("x"))), DropCause.UNDECODABLE);
            case 4:
                return new Garbage("a map declaring more entries than it has",
                        prefixed(msgpack(p -> p.packMapHeader(3).packString("type").packString("x"))),
                        DropCause.UNDECODABLE);
            case 5:
                return new Garbage("a map declaring two billion entries",
                        prefixed(new byte[] {(byte) 0xDF, 0x7F, (byte) 0xFF, (byte) 0xFF, (byte) 0xF0, 1, 2}),
                        DropCause.UNDECODABLE);
            case 6:
                return new Garbage("a string declaring 2 GiB", prefixed(concat(msgpack(p -> p.packMapHeader(1)
                        .packString("type")), new byte[] {(byte) 0xDB, 0x7F, (byte) 0xFF, (byte) 0xFF, (byte) 0xF0})),
                        DropCause.UNDECODABLE);
            case 7:
                return new Garbage("binary declaring 1 GiB", prefixed(concat(msgpack(p -> p.packMapHeader(1)
                        .packString("data")), new byte[] {(byte) 0xC6, 0x40, 0, 0, 0, 1, 2, 3})),
                        DropCause.UNDECODABLE);
            case 8: {
                int depth = 2000 + fuzz.nextInt(100_000);
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                out.writeBytes(msgpack(p -> p.packMapHeader(1).packString("deep")));
                for (int i = 0; i < depth; i++) {
                    out.write(0x91); // an array of one element, nested
                }
                out.write(0xC0);
                return new Garbage("nesting " + depth + " deep", prefixed(out.toByteArray()), DropCause.UNDECODABLE);
            }
            case 9:
                return new Garbage("invalid UTF-8 in a string", prefixed(concat(msgpack(p -> p.packMapHeader(1)
                        .packString("type")), new byte[] {(byte) 0xA2, (byte) 0xC3, (byte) 0x28})), DropCause.UNDECODABLE);
            case 10:
                return new Garbage("no routing key", prefixed(msgpack(p -> p.packMapHeader(1).packString("type")
                        .packString("x"))), DropCause.UNROUTABLE);
            case 11:
                return new Garbage("a routing key of the wrong type", prefixed(msgpack(p -> p.packMapHeader(2)
                        .packString("type").packString("x").packString("__asgi_channel__").packInt(42))),
                        DropCause.UNROUTABLE);
            default:
                return new Garbage("a routing key of another process", prefixed(msgpack(p -> p.packMapHeader(2)
                        .packString("type").packString("x").packString("__asgi_channel__")
                        .packString("specific.someoneelse!abc"))), DropCause.UNROUTABLE);
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    @Test
    void garbageInThisProcessesKeyIsCountedAndSkippedAndTheReceiveLoopGoesOn() throws Exception {
        Fuzz fuzz = new Fuzz("redis-content");
        String channel = layer.newChannel();
        byte[] key = (layer.redisOptions().prefix() + ChannelNames.nonLocalPart(channel)).getBytes(StandardCharsets.UTF_8);
        int rounds = Math.max(20, Fuzz.cases(1500) / 20);
        long undecodable = 0;
        long unroutable = 0;
        for (int round = 0; round < rounds; round++) {
            CompletableFuture<Message> waiting = layer.receive(channel).toCompletableFuture();
            List<Garbage> batch = new ArrayList<>();
            double score = System.currentTimeMillis() / 1000.0 - 1; // older than the real message
            java.util.Set<String> distinct = new java.util.HashSet<>();
            for (int i = 0; i < 1 + fuzz.nextInt(5); i++) {
                Garbage g = next(fuzz, channel);
                if (!distinct.add(java.util.HexFormat.of().formatHex(g.member))) {
                    continue; // the same bytes again would not be a new member
                }
                batch.add(g);
                rawConnection.sync().zadd(key, score + i * 1e-6, g.member);
                if (g.cause == DropCause.UNDECODABLE) {
                    undecodable++;
                } else {
                    unroutable++;
                }
            }
            Message real = Message.of("type", "real", "round", round);
            layer.send(channel, real).toCompletableFuture().get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            String where = "round " + round + " " + batch.stream().map(Garbage::kind).toList() + " (seed "
                    + fuzz.seed() + ")";
            assertThat(waiting.get(WAIT.toMillis(), TimeUnit.MILLISECONDS)).as(where).isEqualTo(real);
            assertThat(counts.dropped(DropCause.UNDECODABLE)).as(where).isEqualTo(undecodable);
            assertThat(counts.dropped(DropCause.UNROUTABLE)).as(where).isEqualTo(unroutable);
        }
        assertThat(layer.undeliverableMessages()).isEqualTo(undecodable + unroutable);
        assertThat(rawConnection.sync().zcard(key)).as("nothing left behind in the key").isZero();
    }
}
