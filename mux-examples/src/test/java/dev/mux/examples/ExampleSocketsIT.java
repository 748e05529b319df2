package dev.mux.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mux.examples.testing.JsonSocket;
import dev.mux.examples.testing.JsonSocket.HandshakeRefused;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The chat and board sockets of the embedded server, driven by real WebSocket clients. */
class ExampleSocketsIT {

    private static final String TOKEN = "socket-admin-token";

    @TempDir
    static Path dataDir;

    private static ExampleServer server;

    @BeforeAll
    static void start() {
        server = ExampleServer.start(ServerOptions.builder().port(0).dataDir(dataDir).adminToken(TOKEN)
                .allowedOrigins(java.util.List.of("https://partner.example")).build());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static URI ws(String path) {
        return URI.create("ws://127.0.0.1:" + server.uri().getPort() + path);
    }

    private static Map<String, Object> frame(Map<String, Object> payload) {
        return Map.of("stream", "message-stream", "payload", payload);
    }

    @Test
    void theChatSpeaksTheTutorialProtocol() {
        try (JsonSocket alice = JsonSocket.open(ws("/ws/chat/sockets/"));
             JsonSocket bob = JsonSocket.open(ws("/ws/chat/sockets/"))) {
            alice.send(Map.of("message", "hello"));

            assertThat(bob.receive().toString()).isEqualTo("{\"message\":\"hello\"}");
            assertThat(alice.receive().toString()).isEqualTo("{\"message\":\"hello\"}");
        }
    }

    @Test
    void anyoneCreatesAndEveryBoardSocketHearsItWithTheBindingsFormat() {
        try (JsonSocket writer = JsonSocket.open(ws("/demultiplex/sockets/"));
             JsonSocket reader = JsonSocket.open(ws("/demultiplex/other_room/"))) {
            writer.send(frame(Map.of("action", "create", "request_id", "r1",
                    "data", Map.of("room", "sockets", "message", "created on a socket"))));

            JsonNode reply = writer.receive();
            JsonNode broadcast = reader.receive();

            assertThat(reply.at("/payload/response_status").asInt()).isEqualTo(201);
            assertThat(reply.at("/payload/request_id").asText()).isEqualTo("r1");
            assertThat(reply.at("/payload/data/message").asText()).isEqualTo("created on a socket");
            assertThat(writer.receive()).isEqualTo(broadcast);
            assertThat(broadcast.get("stream").asText()).isEqualTo("message-stream");
            JsonNode payload = broadcast.get("payload");
            assertThat(payload.get("action").asText()).isEqualTo("create");
            assertThat(payload.get("model").asText()).isEqualTo("board.message");
            assertThat(payload.get("pk").asLong()).isPositive();
            assertThat(payload.get("data").get("room").asText()).isEqualTo("sockets");
            assertThat(payload.get("data").get("message").asText()).isEqualTo("created on a socket");
            assertThat(payload.get("data").get("created").asText()).endsWith("Z");
            assertThat(payload.get("data").has("id")).isFalse();
        }
    }

    @Test
    void updatingAndDeletingNeedTheAdminToken() {
        try (JsonSocket anonymous = JsonSocket.open(ws("/demultiplex/perm/"));
             JsonSocket wrongToken = JsonSocket.open(ws("/demultiplex/perm/?token=guess-guess"));
             JsonSocket admin = JsonSocket.open(ws("/demultiplex/perm/?token=" + TOKEN))) {
            anonymous.send(frame(Map.of("action", "create", "request_id", "c",
                    "data", Map.of("room", "perm", "message", "mine"))));
            long pk = anonymous.receive().at("/payload/data/id").asLong();
            drain(anonymous, wrongToken, admin);

            anonymous.send(frame(Map.of("action", "update", "pk", pk, "request_id", "u1",
                    "data", Map.of("message", "hijacked"))));
            JsonNode denied = anonymous.receive();
            assertThat(denied.at("/payload/response_status").asInt()).isEqualTo(403);
            assertThat(denied.at("/payload/request_id").asText()).isEqualTo("u1");

            wrongToken.send(frame(Map.of("action", "delete", "pk", pk, "request_id", "d1")));
            assertThat(wrongToken.receive().at("/payload/response_status").asInt()).isEqualTo(403);

            admin.send(frame(Map.of("action", "update", "pk", pk, "request_id", "u2",
                    "data", Map.of("message", "moderated"))));
            JsonNode updated = admin.receive();
            assertThat(updated.at("/payload/response_status").asInt()).isEqualTo(200);
            assertThat(updated.at("/payload/data/message").asText()).isEqualTo("moderated");
            JsonNode heard = anonymous.receive();
            assertThat(heard.at("/payload/action").asText()).isEqualTo("update");
            assertThat(heard.at("/payload/data/message").asText()).isEqualTo("moderated");
            drain(wrongToken, admin);

            admin.send(frame(Map.of("action", "delete", "pk", pk, "request_id", "d2")));
            assertThat(admin.receive().at("/payload/response_status").asInt()).isEqualTo(204);
            JsonNode gone = anonymous.receive();
            assertThat(gone.at("/payload/action").asText()).isEqualTo("delete");
            assertThat(gone.at("/payload/pk").asLong()).isEqualTo(pk);
        }
    }

    @Test
    void invalidBoardDataIsAnsweredWithTheReasonAndChangesNothing() {
        try (JsonSocket client = JsonSocket.open(ws("/demultiplex/invalid/"))) {
            client.send(frame(Map.of("action", "create", "request_id", "x",
                    "data", Map.of("room", "invalid", "message", " "))));
            JsonNode reply = client.receive();
            assertThat(reply.at("/payload/response_status").asInt()).isEqualTo(400);
            assertThat(reply.at("/payload/errors").toString()).contains("message must not be blank");

            client.send(frame(Map.of("action", "create", "request_id", "y",
                    "data", Map.of("room", "no spaces", "message", "x"))));
            assertThat(client.receive().at("/payload/errors").toString()).contains("room must be 1 to 64 letters");

            client.send(Map.of("stream", "nope", "payload", Map.of()));
            assertThat(client.receive().at("/payload/response_status").asInt()).isEqualTo(404);
        }
    }

    @Test
    void aChangeMadeThroughRestIsBroadcastLikeASocketChange() throws Exception {
        try (JsonSocket client = JsonSocket.open(ws("/demultiplex/rest/"))) {
            HttpResponse<String> created = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(server.uri().resolve("api/messages"))
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString("{\"room\": \"rest\", \"message\": \"via REST\"}"))
                            .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(created.statusCode()).isEqualTo(201);

            JsonNode broadcast = client.receive();
            assertThat(broadcast.at("/payload/action").asText()).isEqualTo("create");
            assertThat(broadcast.at("/payload/data/message").asText()).isEqualTo("via REST");
        }
    }

    @Test
    void socketsFromForeignOriginsAndMalformedRoomsAreRefused() {
        assertThatThrownBy(() -> JsonSocket.open(ws("/ws/chat/lobby/"), "https://evil.example"))
                .isInstanceOfSatisfying(HandshakeRefused.class, e -> assertThat(e.status()).isEqualTo(403));
        assertThatThrownBy(() -> JsonSocket.open(ws("/demultiplex/lobby/"), "https://evil.example"))
                .isInstanceOfSatisfying(HandshakeRefused.class, e -> assertThat(e.status()).isEqualTo(403));
        assertThatThrownBy(() -> JsonSocket.open(ws("/ws/chat/a%20b/")))
                .isInstanceOfSatisfying(HandshakeRefused.class, e -> assertThat(e.status()).isEqualTo(403));
        assertThatThrownBy(() -> JsonSocket.open(ws("/ws/nothing/")))
                .isInstanceOf(HandshakeRefused.class);

        try (JsonSocket partner = JsonSocket.open(ws("/ws/chat/lobby/"), "https://partner.example")) {
            partner.send(Map.of("message", "allowed origin"));
            assertThat(partner.receive().get("message").asText()).isEqualTo("allowed origin");
        }
    }

    /** Reads the one broadcast each socket got from the previous step. */
    private static void drain(JsonSocket... sockets) {
        for (JsonSocket socket : sockets) {
            assertThat(socket.receive().at("/payload/action").isMissingNode()).isFalse();
        }
    }
}
