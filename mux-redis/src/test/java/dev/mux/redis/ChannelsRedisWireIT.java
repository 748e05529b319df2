package dev.mux.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mux.layer.Bytes;
import dev.mux.layer.ChannelNames;
import dev.mux.layer.GroupSendResult;
import dev.mux.layer.Message;
import dev.mux.redis.testing.RedisServer;
import io.lettuce.core.RedisClient;
import io.lettuce.core.ScoredValue;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * What the layer writes to Redis, byte for byte, and real channels_redis 4.0 processes
 * (Debian's python3-channels-redis) exchanging messages with it in both directions, on one
 * and two shards, plain and encrypted.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class ChannelsRedisWireIT {

    private static final Path PYTHON = Path.of("/usr/bin/python3");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static RedisServer first;
    private static RedisServer second;
    private static Path peerScript;

    private final List<RedisChannelLayer> layers = new ArrayList<>();
    private final List<Process> peers = new ArrayList<>();

    @BeforeAll
    static void startRedisAndCheckPython() throws Exception {
        if (!Files.isExecutable(PYTHON)) {
            throw new IllegalStateException(PYTHON + " is missing; install it with `apt-get install python3 "
                    + "python3-channels-redis`");
        }
        Process check = new ProcessBuilder(PYTHON.toString(), "-c", "import channels_redis.core, cryptography")
                .redirectErrorStream(true).start();
        String output = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!check.waitFor(30, TimeUnit.SECONDS) || check.exitValue() != 0) {
            throw new IllegalStateException("channels_redis is not importable by " + PYTHON
                    + "; install it with `apt-get install python3-channels-redis python3-cryptography`:\n" + output);
        }
        peerScript = Files.createTempFile("wire_peer", ".py");
        try (var in = ChannelsRedisWireIT.class.getResourceAsStream("wire_peer.py")) {
            Files.write(peerScript, in.readAllBytes());
        }
        first = RedisServer.start();
        second = RedisServer.start();
    }

    @AfterAll
    static void stopRedis() throws IOException {
        first.close();
        second.close();
        Files.deleteIfExists(peerScript);
    }

    @BeforeEach
    void emptyRedis() {
        first.flushAll();
        second.flushAll();
    }

    @AfterEach
    void closeLayersAndPeers() {
        layers.forEach(RedisChannelLayer::close);
        peers.forEach(Process::destroyForcibly);
    }

    // ---------------------------------------------------------------------------------------
    // What lands in Redis

    @Test
    void sendWritesTheChannelsRedisKeyMemberScoreAndTtl() {
        RedisChannelLayer layer = layer(1, null);
        Message m = Message.of("type", "job", "n", 7);
        double before = System.currentTimeMillis() / 1000.0;

        await(layer.send("worker-a", m));

        try (Raw raw = new Raw(first)) {
            assertThat(raw.redis.type(bytes("asgiworker-a"))).isEqualTo("zset");
            assertThat(raw.redis.ttl(bytes("asgiworker-a"))).isBetween(55L, 60L);
            List<ScoredValue<byte[]>> members = raw.redis.zrangeWithScores(bytes("asgiworker-a"), 0, -1);
            assertThat(members).hasSize(1);
            byte[] member = members.get(0).getValue();
            MessageCodec codec = new MessageCodec(null, 70);
            assertThat(Arrays.copyOfRange(member, 12, member.length))
                    .as("12 random bytes, then exactly the msgpack of the message")
                    .isEqualTo(Arrays.copyOfRange(codec.member(codec.body(m), null), 12, member.length));
            assertThat(members.get(0).getScore()).isBetween(before - 1, before + 5);
        }
    }

    @Test
    void processLocalChannelsShareOneKeyAndTravelInTheRoutingKey() {
        RedisChannelLayer layer = layer(1, null);
        String a = layer.newChannel();
        String b = layer.newChannel();
        assertThat(a).matches("specific\\.[0-9a-f]{32}![0-9a-f]{32}").hasSize(74);
        assertThat(ChannelNames.nonLocalPart(a)).isEqualTo("specific." + layer.clientPrefix() + "!");

        await(layer.send(a, Message.of("type", "direct")));
        await(layer.groupAdd("room", a));
        await(layer.groupAdd("room", b));
        assertThat(await(layer.groupSend("room", Message.of("type", "fan")))).isEqualTo(new GroupSendResult(2, 0));

        String processKey = "asgispecific." + layer.clientPrefix() + "!";
        try (Raw raw = new Raw(first)) {
            List<byte[]> members = raw.redis.zrange(bytes(processKey), 0, -1);
            assertThat(members).as("one direct send and ONE group message for both channels").hasSize(2);
            MessageCodec codec = new MessageCodec(null, 70);
            MessageCodec.Decoded direct = codec.decode(members.get(0));
            MessageCodec.Decoded fan = codec.decode(members.get(1));
            assertThat(direct.asgiChannel()).isEqualTo(a);
            assertThat(direct.message()).containsOnlyKeys("type");
            assertThat(fan.asgiChannel()).isEqualTo(List.of(a, b));

            List<ScoredValue<byte[]>> group = raw.redis.zrangeWithScores(bytes("asgi:group:room"), 0, -1);
            assertThat(group).extracting(v -> new String(v.getValue(), StandardCharsets.UTF_8))
                    .containsExactly(a, b);
            assertThat(raw.redis.ttl(bytes("asgi:group:room"))).isBetween(86_000L, 86_400L);
            assertThat(raw.redis.exists(bytes(processKey + "$inflight"))).isZero();
        }
        assertThat(await(layer.receive(a)).type()).isEqualTo("direct");
        assertThat(await(layer.receive(a)).type()).isEqualTo("fan");
        assertThat(await(layer.receive(b)).type()).isEqualTo("fan");
        try (Raw raw = new Raw(first)) {
            assertThat(raw.redis.exists(bytes(processKey), bytes(processKey + "$inflight")))
                    .as("received messages are acknowledged and leave nothing behind").isZero();
        }
    }

    @Test
    void theOneRoundTripGroupSendWritesExactlyWhatTheEncoderWrites() {
        RedisChannelLayer layer = layer(1, null);
        List<String> locals = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            locals.add(layer.newChannel("many"));
            await(layer.groupAdd("big-room", locals.get(i)));
        }
        for (String normal : List.of("w-a", "w-b")) {
            await(layer.groupAdd("big-room", normal));
        }
        // 15 keys + the routing key need a map16 header; 40 names an array16 header; the
        // normal channels a fixarray of one.
        Message.Builder builder = Message.builder("wide");
        for (int i = 1; i < 15; i++) {
            builder.put("k" + i, i % 2 == 0 ? "v".repeat(40) : i);
        }
        Message wide = builder.build();
        assertThat(wide.size()).isEqualTo(15);

        assertThat(await(layer.groupSend("big-room", wide))).isEqualTo(new GroupSendResult(42, 0));

        MessageCodec codec = new MessageCodec(null, 70);
        MessageCodec.Body body = codec.body(wide);
        try (Raw raw = new Raw(first)) {
            byte[] processMember = raw.redis.zrange(bytes("asgimany." + layer.clientPrefix() + "!"), 0, -1).get(0);
            assertThat(Arrays.copyOfRange(processMember, 12, processMember.length))
                    .isEqualTo(Arrays.copyOfRange(codec.member(body, locals), 12, processMember.length + 0));
            byte[] normalMember = raw.redis.zrange(bytes("asgiw-a"), 0, -1).get(0);
            assertThat(Arrays.copyOfRange(normalMember, 12, normalMember.length))
                    .isEqualTo(Arrays.copyOfRange(codec.member(body, List.of("w-a")), 12, normalMember.length + 0));
        }
        for (String channel : locals) {
            assertThat(await(layer.receive(channel))).isEqualTo(wide);
        }
    }

    @Test
    void aMessageCarryingTheRoutingKeyIsRejectedAndNothingIsWritten() {
        RedisChannelLayer layer = layer(1, null);
        Message forged = Message.of("type", "x", "__asgi_channel__", "specific.abc!def");

        assertThatThrownBy(() -> layer.send("worker-b", forged)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("__asgi_channel__");
        assertThatThrownBy(() -> layer.groupSend("room", forged)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("__asgi_channel__");
        assertThat((Long) first.command("DBSIZE")).isZero();
    }

    @Test
    void groupSendCountsEveryMemberChannelBehindAFullProcessKey() {
        RedisChannelLayer layer = RedisChannelLayer.create(RedisLayerOptions.builder().host(first.uri())
                .capacity(2).build());
        layers.add(layer);
        List<String> locals = List.of(layer.newChannel(), layer.newChannel(), layer.newChannel());
        for (String channel : locals) {
            await(layer.groupAdd("crowd", channel));
        }
        await(layer.groupAdd("crowd", "crowd-worker"));
        // Two messages for one local channel fill the process key that all three share.
        await(layer.send(locals.get(0), Message.of("type", "fill")));
        await(layer.send(locals.get(0), Message.of("type", "fill")));

        assertThat(await(layer.groupSend("crowd", Message.of("type", "fan")))).isEqualTo(new GroupSendResult(1, 3));
        assertThat(await(layer.receive("crowd-worker")).type()).isEqualTo("fan");
    }

    @Test
    void undecodableMembersAreDroppedCountedAndTheMessagesAfterThemStillArrive() {
        RedisChannelLayer layer = layer(1, "right-key");
        String channel = layer.newChannel();
        String processKey = "asgispecific." + layer.clientPrefix() + "!";
        MessageCodec wrongKey = new MessageCodec(new Fernet.Keys(List.of("wrong-key")), 70);
        MessageCodec rightKey = new MessageCodec(new Fernet.Keys(List.of("right-key")), 70);
        double now = System.currentTimeMillis() / 1000.0;
        try (Raw raw = new Raw(first)) {
            raw.redis.zadd(bytes(processKey), now, bytes("short"));
            raw.redis.zadd(bytes(processKey), now + 0.001, bytes("twelve bytes+not a fernet token at all"));
            raw.redis.zadd(bytes(processKey), now + 0.002,
                    wrongKey.member(wrongKey.body(Message.of("type", "wrong")), channel));
            raw.redis.zadd(bytes(processKey), now + 0.003,
                    rightKey.member(rightKey.body(Message.of("type", "stray")), "specific.other!x"));
            raw.redis.zadd(bytes(processKey), now + 0.004,
                    rightKey.member(rightKey.body(Message.of("type", "fine")), channel));
        }

        assertThat(await(layer.receive(channel)).type()).isEqualTo("fine");
        assertThat(layer.undeliverableMessages()).isEqualTo(4);
    }

    @Test
    void aGroupMessageNamingAnInvalidChannelOfThisProcessReachesTheValidOnesAndCountsTheInvalidOne() {
        RedisChannelLayer layer = RedisChannelLayer.create(RedisLayerOptions.builder().host(first.uri()).build());
        layers.add(layer);
        String waiting = layer.newChannel();
        String unread = layer.newChannel();
        String local = "specific." + layer.clientPrefix() + "!";
        MessageCodec plain = new MessageCodec(null, 70);
        CompletableFuture<Message> received = layer.receive(waiting).toCompletableFuture();
        try (Raw raw = new Raw(first)) {
            raw.redis.zadd(bytes("asgi" + local), System.currentTimeMillis() / 1000.0, plain.member(
                    plain.body(Message.of("type", "fan")), List.of(waiting, local + "not valid", unread)));
        }

        assertThat(await(received).type()).isEqualTo("fan");
        assertThat(await(layer.receive(unread)).type()).isEqualTo("fan");
        assertThat(layer.undeliverableMessages()).isEqualTo(1);
    }

    @Test
    void aLocalChannelNobodyReadsKeepsOnlyItsNewestMessagesUpToItsCapacity() {
        RedisChannelLayer layer = RedisChannelLayer.create(RedisLayerOptions.builder().host(first.uri())
                .capacity(3).build());
        layers.add(layer);
        String slow = layer.newChannel();
        String busy = layer.newChannel();
        // A waiting receive on another channel of the process keeps the receive loop popping
        // the process key they share, so the slow channel's messages leave Redis and pile up
        // in its local buffer.
        var keepsLoopBusy = layer.receive(busy).toCompletableFuture();
        String processKey = "asgispecific." + layer.clientPrefix() + "!";
        for (int n = 1; n <= 10; n++) {
            await(layer.send(slow, Message.of("type", "n", "n", n)));
            int sent = n;
            awaitCondition(() -> (Long) first.command("ZCARD", processKey) == 0
                    && layer.droppedFromLocalBuffers() == Math.max(0, sent - 3));
        }

        assertThat(await(layer.receive(slow)).getLong("n")).isEqualTo(8);
        assertThat(await(layer.receive(slow)).getLong("n")).isEqualTo(9);
        assertThat(await(layer.receive(slow)).getLong("n")).isEqualTo(10);
        assertThat(layer.droppedFromLocalBuffers()).isEqualTo(7);
        assertThat(keepsLoopBusy).isNotDone();
    }

    @Test
    void everyReceiveIsServedWithoutWaitingForABlockedPopToTimeOut() {
        // Blocking pops of a minute: a receive on a key the blocked pop does not watch is only
        // served in time if the loop cuts the pop short, on every shard, including one this
        // process never sent to (its command connection does not exist yet).
        for (int round = 0; round < 6; round++) {
            RedisChannelLayer layer = RedisChannelLayer.create(RedisLayerOptions.builder()
                    .host(first.uri()).host(second.uri()).build(), 60);
            layers.add(layer);
            String normal = "wake-" + round;
            String local = layer.newChannel("wake" + round);
            List<String> channels = List.of(normal, local, "other-" + round, layer.newChannel("other" + round));
            for (String channel : channels) {
                var pending = layer.receive(channel);
                // Let the loops block first, on the keys they knew before this receive.
                awaitCondition(() -> blockedClients(first) + blockedClients(second) == 2);
                Message m = Message.of("type", "wake", "channel", channel);
                java.util.concurrent.CompletableFuture.runAsync(() -> await(layer.send(channel, m)));
                assertThat(await(pending)).isEqualTo(m);
            }
            layer.close();
        }
    }

    private static long blockedClients(RedisServer redis) {
        String info = (String) redis.command("INFO", "clients");
        return info.lines().filter(l -> l.startsWith("blocked_clients:"))
                .mapToLong(l -> Long.parseLong(l.substring("blocked_clients:".length()).trim())).sum();
    }

    // ---------------------------------------------------------------------------------------
    // With real channels_redis processes

    @ParameterizedTest(name = "{0} shard(s), encryption key: {1}")
    @CsvSource(value = {"1, NONE", "2, NONE", "2, secret"})
    void pythonSendsAndGroupSendsReachJavaChannelsOnEveryShard(int shards, String key) throws Exception {
        String secret = key.equals("NONE") ? null : key;
        RedisChannelLayer layer = layer(shards, secret);
        // With two shards, pick a channel whose full name and non-local part hash to different
        // shards: channels_redis' send uses the full name (channels_redis#221), its receiver the
        // non-local part, so only a receiver that watches every shard gets this message.
        String direct = layer.newChannel();
        while (shards == 2 && ConsistentHash.index(direct, 2) == ConsistentHash.index(ChannelNames.nonLocalPart(direct), 2)) {
            direct = layer.newChannel();
        }
        String other = layer.newChannel();
        await(layer.groupAdd("py-room", direct));
        await(layer.groupAdd("py-room", other));
        ObjectNode cfg = config(shards, secret, "send");
        ArrayNode ops = cfg.putArray("ops");
        ops.addObject().put("op", "send").put("channel", direct).set("message", JSON.readTree(
                "{\"type\": \"direct\", \"n\": 300, \"f\": 2.0, \"t\": \"ünï\", \"b\": {\"$bytes\": \"AP8=\"},"
                        + " \"l\": [1, null, true], \"m\": {\"k\": \"v\"}}"));
        ops.addObject().put("op", "group_send").put("group", "py-room").set("message",
                JSON.readTree("{\"type\": \"fan\", \"text\": \"hello\"}"));
        ops.addObject().put("op", "send").put("channel", "java-worker").set("message",
                JSON.readTree("{\"type\": \"job\", \"id\": 42}"));

        Peer peer = startPeer(cfg);
        assertThat(peer.nextLine().get("done").asBoolean()).isTrue();

        // On two shards Python's send and group send land on different shards, so their
        // relative order is not defined; take both and tell them apart by type.
        Message one = await(layer.receive(direct));
        Message two = await(layer.receive(direct));
        Message received = one.type().equals("direct") ? one : two;
        assertThat(one.type().equals("direct") ? two : one).isEqualTo(Message.of("type", "fan", "text", "hello"));
        assertThat(received.asMap()).containsOnlyKeys("type", "n", "f", "t", "b", "l", "m");
        assertThat(received.getLong("n")).isEqualTo(300L);
        assertThat(received.get("f")).isEqualTo(2.0);
        assertThat(received.getString("t")).isEqualTo("ünï");
        assertThat(received.get("b")).isEqualTo(Bytes.of(new byte[] {0, (byte) 0xff}));
        assertThat(received.getList("l")).containsExactly(1L, null, true);
        assertThat(received.getMap("m")).isEqualTo(Map.of("k", "v"));
        assertThat(await(layer.receive(other))).isEqualTo(Message.of("type", "fan", "text", "hello"));
        assertThat(await(layer.receive("java-worker"))).isEqualTo(Message.of("type", "job", "id", 42));
    }

    @ParameterizedTest(name = "{0} shard(s), encryption key: {1}")
    @CsvSource(value = {"1, NONE", "2, NONE", "1, secret", "2, secret"})
    void javaSendsAndGroupSendsReachPythonReceivers(int shards, String key) throws Exception {
        String secret = key.equals("NONE") ? null : key;
        RedisChannelLayer layer = layer(shards, secret);
        ObjectNode cfg = config(shards, secret, "receive");
        cfg.put("group", "java-room").put("count_local", 2).put("worker", "py-worker");
        // channels_redis receives a normal channel on one shard per receive call (round robin,
        // starting at the first); with several shards it only finds messages sent there, so the
        // normal-channel leg runs on one shard.
        cfg.put("count_worker", shards == 1 ? 1 : 0);
        Peer peer = startPeer(cfg);
        String pythonChannel = peer.nextLine().get("channel").asText();
        assertThat(pythonChannel).matches("specific\\.[0-9a-f]{32}![0-9a-f]{32}");

        await(layer.send(pythonChannel, Message.builder("direct").put("n", 300).put("f", 2.0).put("t", "ünï")
                .put("b", new byte[] {0, (byte) 0xff}).put("big", Long.MIN_VALUE).build()));
        assertThat(await(layer.groupSend("java-room", Message.of("type", "fan", "text", "hi"))))
                .isEqualTo(new GroupSendResult(1, 0));
        if (shards == 1) {
            await(layer.send("py-worker", Message.of("type", "job", "id", 42)));
        }

        JsonNode received = peer.nextLine().get("received");
        assertThat(received).hasSize(shards == 1 ? 3 : 2);
        JsonNode direct = received.get(0);
        assertThat(direct.get("message").get("type").asText()).isEqualTo("direct");
        assertThat(direct.get("message").get("n").asLong()).isEqualTo(300);
        assertThat(direct.get("message").get("big").asLong()).isEqualTo(Long.MIN_VALUE);
        assertThat(direct.get("message").get("t").asText()).isEqualTo("ünï");
        assertThat(Base64.getDecoder().decode(direct.get("message").get("b").get("$bytes").asText()))
                .containsExactly(0, 0xff);
        assertThat(direct.get("types").toString()).isEqualTo(
                "{\"type\":\"str\",\"n\":\"int\",\"f\":\"float\",\"t\":\"str\",\"b\":\"bytes\",\"big\":\"int\"}");
        assertThat(received.get(1).get("message").toString()).isEqualTo("{\"type\":\"fan\",\"text\":\"hi\"}");
        if (shards == 1) {
            assertThat(received.get(2).get("message").toString()).isEqualTo("{\"type\":\"job\",\"id\":42}");
        }
    }

    @Test
    void pythonAndJavaWorkersShareANormalChannelWithoutLosingJobs() throws Exception {
        RedisChannelLayer sender = layer(1, null);
        RedisChannelLayer worker = layer(1, null);
        ObjectNode cfg = config(1, null, "receive");
        cfg.put("group", "unused").put("count_local", 0).put("worker", "shared-jobs").put("count_worker", 20);
        Peer peer = startPeer(cfg);
        peer.nextLine();

        List<CompletionStage<Message>> javaJobs = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            javaJobs.add(worker.receive("shared-jobs"));
        }
        for (int i = 0; i < 40; i++) {
            await(sender.send("shared-jobs", Message.of("type", "job", "id", i)));
        }

        Set<Long> ids = new HashSet<>();
        List<Long> all = new ArrayList<>();
        for (CompletionStage<Message> job : javaJobs) {
            all.add(await(job).getLong("id"));
        }
        for (JsonNode job : peer.nextLine().get("received")) {
            all.add(job.get("message").get("id").asLong());
        }
        ids.addAll(all);
        assertThat(ids).as("every job was taken by a Java or a Python worker: %s", all).hasSize(40);
        assertThat(all).as("no job was taken twice").hasSize(40);
    }

    // ---------------------------------------------------------------------------------------

    private RedisChannelLayer layer(int shards, String secret) {
        RedisLayerOptions.Builder options = RedisLayerOptions.builder().host(first.uri());
        if (shards == 2) {
            options.host(second.uri());
        }
        if (secret != null) {
            options.symmetricEncryptionKeys(List.of(secret));
        }
        RedisChannelLayer layer = RedisChannelLayer.create(options.build());
        layers.add(layer);
        return layer;
    }

    private static ObjectNode config(int shards, String secret, String mode) {
        ObjectNode cfg = JSON.createObjectNode().put("mode", mode);
        ArrayNode hosts = cfg.putArray("hosts").add(first.uri());
        if (shards == 2) {
            hosts.add(second.uri());
        }
        if (secret != null) {
            cfg.putArray("keys").add(secret);
        }
        return cfg;
    }

    private Peer startPeer(ObjectNode cfg) throws IOException {
        Process process = new ProcessBuilder(PYTHON.toString(), peerScript.toString(), cfg.toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        peers.add(process);
        return new Peer(process);
    }

    /** A running Python peer whose stdout lines are JSON objects. */
    private static final class Peer {
        private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        private final Process process;

        Peer(Process process) {
            this.process = process;
            Thread reader = new Thread(() -> {
                try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
                        StandardCharsets.UTF_8))) {
                    for (String line; (line = in.readLine()) != null; ) {
                        lines.add(line);
                    }
                } catch (IOException e) {
                    lines.add("{\"error\": \"" + e + "\"}");
                }
            }, "python-peer-reader");
            reader.setDaemon(true);
            reader.start();
        }

        JsonNode nextLine() throws Exception {
            String line = lines.poll(30, TimeUnit.SECONDS);
            if (line == null) {
                throw new AssertionError("the Python peer printed nothing within 30 s (alive: " + process.isAlive()
                        + ", see its stderr above)");
            }
            return JSON.readTree(line);
        }
    }

    /** A plain binary-safe client for inspecting what the layer wrote. */
    private static final class Raw implements AutoCloseable {
        final RedisClient client;
        final StatefulRedisConnection<byte[], byte[]> connection;
        final RedisCommands<byte[], byte[]> redis;

        Raw(RedisServer server) {
            client = RedisClient.create(server.uri());
            connection = client.connect(ByteArrayCodec.INSTANCE);
            redis = connection.sync();
        }

        @Override
        public void close() {
            connection.close();
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        }
    }

    private static void awaitCondition(java.util.function.BooleanSupplier condition) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within 20 s");
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static <T> T await(CompletionStage<T> stage) {
        try {
            return stage.toCompletableFuture().get(20, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new AssertionError("the operation failed: " + e.getCause(), e.getCause());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
