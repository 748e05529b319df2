package dev.mux.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mux.examples.testing.JsonSocket;
import dev.mux.examples.testing.Metrics;
import dev.mux.examples.testing.ServerProcess;
import dev.mux.fuzz.Fuzz;
import dev.mux.redis.testing.RedisServer;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Hostile frames against the example server on Redis, through its chat and its board: each is
 * answered with an error frame or closed with its specified code, never with 1011, and a chat
 * between two other clients goes on untouched.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class BadInputExampleIT {

    private static final Duration ANSWER = Duration.ofSeconds(5);

    private static RedisServer redis;
    private static ServerProcess server;

    @BeforeAll
    static void start() throws IOException {
        redis = RedisServer.start();
        Path data = Files.createTempDirectory("mux-bad-input-");
        server = ServerProcess.start(List.of("--port", "0", "--redis", redis.uri(), "--data-dir", data.toString()));
        assertThat(server.isReady()).as(server.stderr()).isTrue();
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
        if (redis != null) {
            redis.close();
        }
    }

    private static URI ws(String path) {
        return URI.create("ws://127.0.0.1:" + server.uri().getPort() + path);
    }

    /** A random frame for the chat's or the board's protocol, often broken. */
    private static String frame(Fuzz fuzz, boolean board) {
        return switch (fuzz.nextInt(9)) {
            case 0 -> fuzz.text(100);
            case 1 -> fuzz.malformedJson();
            case 2 -> fuzz.json(4);
            case 3 -> fuzz.deeplyNested(1001 + fuzz.nextInt(3000));
            case 4 -> "{\"message\": " + fuzz.hugeNumber() + "}";
            case 5 -> "{\"message\": " + Fuzz.quote(fuzz.text(1200)) + "}";
            case 6 -> "{\"message\": \"lone \\ud800 surrogate\"}";
            case 7 -> board ? "{\"stream\": \"message-stream\", \"payload\": {\"action\": " + fuzz.json(1)
                    + ", \"pk\": " + fuzz.json(1) + ", \"data\": " + fuzz.json(2) + ", \"request_id\": 1}}"
                    : "{\"message\": " + fuzz.json(2) + "}";
            default -> board ? "{\"stream\": " + fuzz.json(1) + ", \"payload\": " + fuzz.json(2) + "}"
                    : "{\"message\": " + Fuzz.quote(fuzz.text(40)) + "}";
        };
    }

    @Test
    void everyBadFrameToTheChatAndTheBoardGetsItsSpecifiedAnswerAndABystanderChatGoesOn() {
        Fuzz fuzz = new Fuzz("example-server");
        try (JsonSocket alice = JsonSocket.open(ws("/ws/chat/bystanders/"));
             JsonSocket bob = JsonSocket.open(ws("/ws/chat/bystanders/"))) {
            int cases = Math.max(60, Fuzz.cases(1500) / 5);
            for (String path : List.of("/ws/chat/fuzz/", "/demultiplex/fuzz/")) {
                boolean board = path.startsWith("/demultiplex");
                JsonSocket client = JsonSocket.open(ws(path));
                for (int i = 0; i < cases; i++) {
                    String text = sendable(frame(fuzz, board));
                    String where = path + " case " + i + " (seed " + fuzz.seed() + "): " + abbreviate(text);
                    String probe = board ? "probe-" + i : "probe " + i;
                    try {
                        if (fuzz.nextInt(20) == 0) {
                            client.sendBinary(fuzz.bytes(50));
                        } else {
                            client.sendText(text);
                        }
                        // A probe after each frame: its answer shows that everything before was answered.
                        client.sendText(board ? "{\"stream\": \"" + probe + "\", \"payload\": {}}"
                                : "{\"message\": \"" + probe + "\"}");
                    } catch (AssertionError closedMeanwhile) {
                        assertThat(client.isClosed()).as(where + ": " + closedMeanwhile.getMessage()).isTrue();
                    }
                    while (true) {
                        JsonNode f = null;
                        long deadline = System.nanoTime() + ANSWER.toNanos();
                        while (f == null && !client.isClosed() && System.nanoTime() < deadline) {
                            f = client.poll(Duration.ofMillis(50));
                        }
                        if (f == null) {
                            f = client.poll(Duration.ofMillis(50)); // a frame may precede the close
                        }
                        if (f == null) {
                            int code = client.closeCode();
                            assertThat(code).as(where + ": no answer and no close").isNotEqualTo(-1);
                            // Only the JSON consumer's defaults close: not JSON (1007), binary (1003).
                            assertThat(code).as(where).isIn(board ? Set.of() : Set.of(1003, 1007));
                            client.close();
                            client = JsonSocket.open(ws(path));
                            break;
                        }
                        if (probe.equals(board ? f.path("stream").asText(null) : f.path("message").asText(null))) {
                            break;
                        }
                        boolean answered = f.has("error") || f.has("message")
                                || f.path("payload").has("errors") || f.path("payload").has("action");
                        assertThat(answered).as(where + ": unexpected frame " + f).isTrue();
                    }
                    if (i % 5 == 0) {
                        alice.send(Map.of("message", "still here " + i));
                        assertThat(bob.receive().path("message").asText()).as(where).isEqualTo("still here " + i);
                        assertThat(alice.receive().path("message").asText()).as(where).isEqualTo("still here " + i);
                    }
                }
                client.close();
            }
        }
        Metrics m = Metrics.scrape(server.uri());
        assertThat(m.get("mux_connections_closed_total", "code", "1011")).as(m.text()).isZero();
    }

    /**
     * Writes lone surrogates as JSON escapes: a text frame must be UTF-8, so a client cannot send
     * them raw (invalid UTF-8 on the wire is fuzzed at the byte level elsewhere); escaped inside a
     * JSON string they still reach the server as lone surrogates.
     */
    private static String sendable(String text) {
        StringBuilder sb = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                sb.append(c).append(text.charAt(++i));
            } else if (Character.isSurrogate(c)) {
                sb.append(String.format("\\u%04x", (int) c));
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    private static String abbreviate(String text) {
        return text.length() <= 120 ? text : text.substring(0, 120) + "…(" + text.length() + " chars)";
    }
}
