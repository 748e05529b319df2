package dev.mux.jakarta;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mux.consumer.CloseCodes;
import dev.mux.consumer.ConnectionLimits;
import dev.mux.fuzz.Fuzz;
import dev.mux.inmemory.InMemoryChannelLayer;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.LockSupport;
import org.eclipse.jetty.server.Server;
import org.glassfish.tyrus.client.ClientManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Byte-level fuzzing through a real Jetty 12: invalid UTF-8 in text frames, unknown opcodes,
 * unmasked frames, reserved bits, stray continuations, oversized control frames, lying length
 * fields, bad close codes and plain garbage. Each connection is closed with a protocol close
 * code, and a chat connection open all along keeps working; nothing is left in the layer.
 */
class WireFuzzJettyIT {

    private static final String CONTEXT = TestContainers.CONTEXT;
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final int MAX_FRAME = 64 * 1024;

    private InMemoryChannelLayer layer;
    private Mux mux;
    private TestContainers.Running server;
    private ClientManager client;
    private int port;

    @BeforeEach
    void start() throws Exception {
        layer = new InMemoryChannelLayer();
        mux = Mux.builder().layer(layer)
                .limits(ConnectionLimits.builder().maxFrameBytes(MAX_FRAME).build())
                .route("/ws/room/{room}/", ItConsumers.Room::new)
                .build();
        server = TestContainers.jetty(mux);
        port = server.port();
        client = TestContainers.tyrusClient();
    }

    @AfterEach
    void stop() throws Exception {
        client.shutdown();
        server.close();
        mux.close();
        layer.close();
    }

    private record Attack(String kind, Set<Integer> codes, Sender sender) {
    }

    @FunctionalInterface
    private interface Sender {
        void send(RawWebSocket socket) throws Exception;
    }

    private static final Set<Integer> PROTOCOL = Set.of(CloseCodes.PROTOCOL_ERROR);

    private Attack next(Fuzz fuzz) {
        byte[] text = fuzz.json(2).getBytes(StandardCharsets.UTF_8);
        switch (fuzz.nextInt(10)) {
            case 0:
                return new Attack("invalid UTF-8 in a text frame", Set.of(CloseCodes.INVALID_PAYLOAD),
                        s -> s.sendFrame(0x81, fuzz.invalidUtf8(), true, -1));
            case 1: {
                int opcode = List.of(0x3, 0x4, 0x5, 0x6, 0x7, 0xB, 0xC, 0xD, 0xE, 0xF).get(fuzz.nextInt(10));
                return new Attack("unknown opcode " + opcode, PROTOCOL, s -> s.sendFrame(0x80 | opcode, text, true, -1));
            }
            case 2:
                return new Attack("an unmasked client frame", PROTOCOL, s -> s.sendFrame(0x81, text, false, -1));
            case 3: {
                int rsv = List.of(0x40, 0x20, 0x10).get(fuzz.nextInt(3));
                return new Attack("reserved bit " + rsv, PROTOCOL, s -> s.sendFrame(0x81 | rsv, text, true, -1));
            }
            case 4:
                return new Attack("a continuation without a start", PROTOCOL, s -> s.sendFrame(0x80, text, true, -1));
            case 5:
                return new Attack("a ping of more than 125 bytes", PROTOCOL,
                        s -> s.sendFrame(0x89, new byte[126 + fuzz.nextInt(200)], true, -1));
            case 6:
                // The container counts what arrives: a frame that only declares a huge length waits
                // for its bytes (until the idle timeout), so the bytes are sent.
                return new Attack("a frame over the size limit", Set.of(CloseCodes.MESSAGE_TOO_BIG),
                        s -> s.sendFrame(fuzz.nextInt(2) == 0 ? 0x82 : 0x81,
                                "x".repeat(MAX_FRAME + 1 + fuzz.nextInt(4096)).getBytes(StandardCharsets.US_ASCII),
                                true, -1));
            case 7: {
                int code = List.of(0, 999, 1004, 1005, 1006, 1015, 2999, 5000).get(fuzz.nextInt(8));
                byte[] payload = {(byte) (code >>> 8), (byte) code};
                return new Attack("a close with the invalid code " + code, PROTOCOL,
                        s -> s.sendFrame(0x88, payload, true, -1));
            }
            case 8:
                return new Attack("a fragmented text whose parts are not UTF-8", Set.of(CloseCodes.INVALID_PAYLOAD),
                        s -> {
                            s.sendFrame(0x01, "{\"message\": \"".getBytes(StandardCharsets.UTF_8), true, -1);
                            s.sendFrame(0x80, new byte[] {(byte) 0xC3, (byte) 0x28, '"', '}'}, true, -1);
                        });
            default: {
                // At least 16 bytes, so that a header is never left incomplete (a server rightly
                // waits for the rest of an incomplete header until its idle timeout).
                byte[] garbage = new byte[16 + fuzz.nextInt(48)];
                fuzz.random().nextBytes(garbage);
                // Garbage that happens to start a valid frame may just wait for more: add a reserved bit.
                byte[] bytes = new byte[garbage.length + 2];
                bytes[0] = (byte) (0xF0 | fuzz.nextInt(16));
                // A short length that the garbage covers: a frame still waiting for its declared
                // bytes is rightly held until the idle timeout, which tells nothing.
                bytes[1] = (byte) (0x80 | Math.min(125, garbage.length - 4));
                System.arraycopy(garbage, 0, bytes, 2, garbage.length);
                return new Attack("garbage bytes", PROTOCOL, s -> s.sendRaw(bytes));
            }
        }
    }

    @Test
    void everyProtocolViolationIsClosedWithAClearCodeWhileAChatKeepsWorking() throws Exception {
        Fuzz fuzz = new Fuzz("wire");
        URI room = URI.create("ws://127.0.0.1:" + port + CONTEXT + "/ws/room/lobby/");
        try (TestClient alice = TestClient.connect(client, room); TestClient bob = TestClient.connect(client, room)) {
            alice.sendJson(Map.of("sync", true));
            assertThat(alice.receiveJson(WAIT).get("synced").asBoolean()).isTrue();
            int cases = Math.max(50, Fuzz.cases(1500) / 5);
            for (int i = 0; i < cases; i++) {
                Attack attack = next(fuzz);
                String where = "case " + i + " (" + attack.kind + ", seed " + fuzz.seed() + ")";
                try (RawWebSocket raw = RawWebSocket.open(port, CONTEXT + "/ws/room/lobby/", Map.of())) {
                    assertThat(raw.status()).as(where).isEqualTo(101);
                    attack.sender.send(raw);
                    int code;
                    try {
                        code = raw.awaitCloseOrEnd(WAIT);
                    } catch (AssertionError e) {
                        throw new AssertionError(where + ": " + e.getMessage(), e);
                    }
                    assertThat(code).as(where + ": close code").isIn(attack.codes.toArray());
                }
                if (i % 25 == 0) {
                    alice.sendJson(Map.of("message", "still chatting " + i));
                    assertThat(bob.receiveJson(WAIT).get("message").asText()).as(where).isEqualTo("still chatting " + i);
                    assertThat(alice.receiveJson(WAIT).get("message").asText()).as(where).isEqualTo("still chatting " + i);
                }
            }
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (mux.stats().openConnections() > 2 && System.nanoTime() < deadline) {
                LockSupport.parkNanos(10_000_000);
            }
            assertThat(mux.stats().openConnections()).as("only the two chat clients are left").isEqualTo(2);
            assertThat(mux.stats().errorCloses()).isZero();
        }
    }
}
