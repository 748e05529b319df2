package dev.mux.jakarta;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mux.consumer.CloseCodes;
import dev.mux.consumer.ConnectionLimits;
import dev.mux.consumer.TestConsumers;
import dev.mux.inmemory.InMemoryChannelLayer;
import dev.mux.layer.Message;
import dev.mux.routing.Authentication;
import jakarta.websocket.DeploymentException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The scenarios every Jakarta container must pass, written once: each container's {@code *IT}
 * subclass starts its server ({@link TestContainers}) with the same {@link Mux} under the
 * context path {@value TestContainers#CONTEXT}.
 */
abstract class ContainerScenarios {

    static final Duration WAIT = Duration.ofSeconds(10);

    /** Small outbound limits so the slow-client scenario stalls quickly. */
    static final ConnectionLimits LIMITS = ConnectionLimits.builder()
            .maxQueuedMessages(16)
            .maxQueuedBytes(1024 * 1024)
            .build();

    @RegisterExtension
    static final TestContainers.Client CLIENT = new TestContainers.Client();

    private InMemoryChannelLayer layer;
    private Mux mux;
    private TestContainers.Running server;
    private final List<AutoCloseable> open = new ArrayList<>();

    /** Starts the container with the Mux's endpoints on 127.0.0.1. */
    protected abstract TestContainers.Running startServer(Mux mux) throws Exception;

    @BeforeEach
    void start() throws Exception {
        layer = new InMemoryChannelLayer();
        mux = Mux.builder()
                .layer(layer)
                .limits(LIMITS)
                .route("/ws/echo/", TestConsumers.Echo::new)
                .route("/ws/chat/{room}/", TestConsumers.ChatConsumer::new)
                .route("/ws/room/{room}/", ItConsumers.Room::new)
                .route("^/demultiplex/(?<room_name>[a-zA-Z0-9_]+)/$", ItConsumers.ScopeReport::new)
                .route("/ws/private/", ItConsumers.ScopeReport::new)
                .route("/ws/reject/", ItConsumers.Rejecting::new)
                .route("/ws/protocol/", ItConsumers.Protocol::new)
                .allowedOrigins("https://app.example.com")
                .authenticator(h -> !h.path().equals("/ws/private/") ? Authentication.anonymous()
                        : h.queryParam("token").filter("s3cret"::equals)
                                .map(t -> Authentication.user(() -> "token-user"))
                                .orElse(Authentication.refuse("bad token")))
                .build();
        server = startServer(mux);
    }

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : open) {
            try {
                c.close();
            } catch (Exception e) {
                // already closed by the scenario
            }
        }
        server.close();
        mux.close();
        layer.close();
    }

    private TestClient connect(String path) throws Exception {
        TestClient c = TestClient.connect(CLIENT.newClient(), server.uri(path));
        open.add(c);
        return c;
    }

    private RawWebSocket raw(String path, Map<String, String> headers) throws Exception {
        RawWebSocket r = RawWebSocket.open(server.port(), TestContainers.CONTEXT + path, headers);
        open.add(r);
        return r;
    }

    private static void await(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not true within " + WAIT + ": " + what);
            }
            LockSupport.parkNanos(10_000_000);
        }
    }

    /** Closes the clients and checks that the layer forgot every channel and membership. */
    private void closeAllAndExpectAnEmptyLayer(TestClient... clients) throws Exception {
        for (TestClient c : clients) {
            c.close();
        }
        await("no open connections", () -> mux.stats().openConnections() == 0);
        await("no group membership left", () -> layer.groupCount() == 0);
        await("no channel left", () -> layer.channelCount() == 0);
    }

    @Test
    void textAndBinaryFramesAreEchoed() throws Exception {
        TestClient c = connect("/ws/echo/");
        c.sendText("hello");
        assertThat(c.receiveText(WAIT)).isEqualTo("hello");
        c.sendBinary(new byte[] {1, 2, 3});
        assertThat(c.receiveBinary(WAIT)).containsExactly(1, 2, 3);
        closeAllAndExpectAnEmptyLayer(c);
    }

    @Test
    void threeClientsInOneGroupAllReceiveAGroupSend() throws Exception {
        TestClient alice = connect("/ws/chat/lobby/");
        TestClient bob = connect("/ws/chat/lobby/");
        TestClient carol = connect("/ws/chat/lobby/");
        TestClient other = connect("/ws/chat/kitchen/");
        alice.sendJson(Map.of("message", "hello room"));
        for (TestClient c : List.of(alice, bob, carol)) {
            assertThat(c.receiveJson(WAIT).get("message").asText()).isEqualTo("hello room");
        }
        // A message from outside the process's consumers reaches them the same way.
        assertThat(layer.groupSend("chat_lobby", Message.of("type", "chat.message", "message", "from the layer"))
                .toCompletableFuture().join().delivered()).isEqualTo(3);
        for (TestClient c : List.of(alice, bob, carol)) {
            assertThat(c.receiveJson(WAIT).get("message").asText()).isEqualTo("from the layer");
        }
        other.expectNothing(Duration.ofMillis(200));
        closeAllAndExpectAnEmptyLayer(alice, bob, carol, other);
    }

    @Test
    void routeParametersQueryHeadersAndTheRemoteAddressReachTheScope() throws Exception {
        TestClient c = TestClient.connect(CLIENT.newClient(), server.uri("/demultiplex/room_42/?a=1&a=2"),
                Map.of("X-Test", "yes"), List.of());
        open.add(c);
        JsonNode scope = c.receiveJson(WAIT);
        assertThat(scope.get("path").asText()).isEqualTo("/demultiplex/room_42/");
        assertThat(scope.get("route").get("room_name").asText()).isEqualTo("room_42");
        assertThat(scope.get("query").get("a").toString()).isEqualTo("[\"1\",\"2\"]");
        assertThat(scope.get("header").asText()).isEqualTo("yes");
        assertThat(scope.get("user").isNull()).isTrue();
        assertThat(scope.get("remote").asText()).isEqualTo("127.0.0.1");
        closeAllAndExpectAnEmptyLayer(c);
    }

    @Test
    void anUnmatchedPathIsRefusedAtTheHandshake() throws Exception {
        // The container routes this to the regex route's mount, whose regex refuses it.
        assertThat(raw("/demultiplex/not-valid/", Map.of()).status()).isEqualTo(404);
        // No mount at all: the container refuses it without Mux.
        assertThat(raw("/ws/nothing/here/", Map.of()).status()).isNotEqualTo(101).isBetween(400, 599);
        assertThat(mux.stats().openConnections()).isZero();
    }

    @Test
    void aForeignOriginIsRefusedWith403AndTheSameHostOrAnAllowedOriginIsAccepted() throws Exception {
        assertThat(raw("/ws/echo/", Map.of("Origin", "https://evil.example.net")).status()).isEqualTo(403);
        assertThat(raw("/ws/echo/", Map.of("Origin", "http://127.0.0.1:" + server.port())).status()).isEqualTo(101);
        assertThat(raw("/ws/echo/", Map.of("Origin", "https://app.example.com")).status()).isEqualTo(101);
        assertThatThrownBy(() -> TestClient.connect(CLIENT.newClient(), server.uri("/ws/echo/"),
                Map.of("Origin", "https://evil.example.net"), List.of()))
                .isInstanceOf(DeploymentException.class);
    }

    @Test
    void aRejectingConsumerAndARefusingAuthenticatorGive403() throws Exception {
        assertThat(raw("/ws/reject/", Map.of()).status()).isEqualTo(403);
        assertThat(raw("/ws/private/?token=wrong", Map.of()).status()).isEqualTo(403);
        TestClient c = connect("/ws/private/?token=s3cret");
        assertThat(c.receiveJson(WAIT).get("user").asText()).isEqualTo("token-user");
        closeAllAndExpectAnEmptyLayer(c);
    }

    @Test
    void theSubprotocolChosenByTheConsumerReachesTheClient() throws Exception {
        TestClient c = TestClient.connect(CLIENT.newClient(), server.uri("/ws/protocol/"), Map.of(), List.of("v2", "v1"));
        open.add(c);
        assertThat(c.session().getNegotiatedSubprotocol()).isEqualTo("v1");
        TestClient none = connect("/ws/protocol/");
        assertThat(none.session().getNegotiatedSubprotocol()).isNullOrEmpty();
        closeAllAndExpectAnEmptyLayer(c, none);
    }

    @Test
    void aFrameOverOneMebibyteClosesWith1009() throws Exception {
        TestClient c = connect("/ws/echo/");
        String atLimit = "a".repeat(ConnectionLimits.DEFAULT_MAX_FRAME_BYTES);
        c.sendText(atLimit);
        assertThat(c.receiveText(WAIT)).hasSize(atLimit.length());
        c.sendText(atLimit + "b");
        assertThat(c.awaitClose(WAIT)).isEqualTo(CloseCodes.MESSAGE_TOO_BIG);
        closeAllAndExpectAnEmptyLayer(c);
    }

    @Test
    void invalidJsonClosesWith1007AndABinaryFrameToAJsonConsumerWith1003() throws Exception {
        TestClient json = connect("/ws/room/lobby/");
        json.sendText("{not json");
        assertThat(json.awaitClose(WAIT)).isEqualTo(CloseCodes.INVALID_PAYLOAD);
        TestClient binary = connect("/ws/room/lobby/");
        binary.sendBinary(new byte[] {'{', '}'});
        assertThat(binary.awaitClose(WAIT)).isEqualTo(CloseCodes.UNSUPPORTED_DATA);
        closeAllAndExpectAnEmptyLayer(json, binary);
    }

    @Test
    void aThrowingHandlerClosesItsConnectionWith1011WhileTheOthersKeepChatting() throws Exception {
        TestClient bad = connect("/ws/room/lobby/");
        TestClient alice = connect("/ws/room/lobby/");
        TestClient bob = connect("/ws/room/lobby/");
        bad.sendJson(Map.of("throw", true));
        assertThat(bad.awaitClose(WAIT)).isEqualTo(CloseCodes.INTERNAL_ERROR);
        alice.sendJson(Map.of("message", "still here"));
        assertThat(alice.receiveJson(WAIT).get("message").asText()).isEqualTo("still here");
        assertThat(bob.receiveJson(WAIT).get("message").asText()).isEqualTo("still here");
        assertThat(mux.stats().errorCloses()).isEqualTo(1);
        closeAllAndExpectAnEmptyLayer(bad, alice, bob);
    }

    @Test
    void aClientThatStopsReadingIsClosedByPolicyWhileTheOthersAreUnaffected() throws Exception {
        TestClient alice = connect("/ws/room/lobby/");
        TestClient bob = connect("/ws/room/lobby/");
        RawWebSocket stalled = RawWebSocket.openNonReading(server.port(), TestContainers.CONTEXT + "/ws/room/lobby/");
        open.add(stalled);
        assertThat(stalled.status()).isEqualTo(101);
        await("three members in the room", () -> layer.groupSend("room_lobby", Message.of("type", "room.probe"))
                .toCompletableFuture().join().members() == 3);

        // 400 frames of 64 KiB: far more than the socket buffers hold, so the server's writes stall.
        stalled.sendText("{\"flood\": 400, \"size\": 65536}");
        await("the stalled client is closed by policy", () -> mux.stats().slowClientCloses() == 1);
        await("its membership is gone", () -> layer.groupSend("room_lobby", Message.of("type", "room.probe"))
                .toCompletableFuture().join().members() == 2);

        alice.sendJson(Map.of("message", "unaffected"));
        assertThat(alice.receiveJson(WAIT).get("message").asText()).isEqualTo("unaffected");
        assertThat(bob.receiveJson(WAIT).get("message").asText()).isEqualTo("unaffected");

        // Reading again, the client finds what had been written, then the close with 1013.
        long[] framesAndCode = stalled.readUntilClose(WAIT);
        assertThat(framesAndCode[1]).isEqualTo(CloseCodes.TRY_AGAIN_LATER);
        assertThat(framesAndCode[0]).isLessThan(400);
        stalled.close();
        closeAllAndExpectAnEmptyLayer(alice, bob);
    }
}
