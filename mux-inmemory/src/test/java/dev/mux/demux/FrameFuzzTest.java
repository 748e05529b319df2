package dev.mux.demux;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mux.binding.Binding;
import dev.mux.binding.MapStore;
import dev.mux.binding.seed.Message;
import dev.mux.binding.seed.MessageBinding;
import dev.mux.consumer.CloseCodes;
import dev.mux.consumer.ConnectionLimits;
import dev.mux.consumer.ConsumerRuntime;
import dev.mux.consumer.JsonWebSocketConsumer;
import dev.mux.fuzz.Fuzz;
import dev.mux.inmemory.InMemoryChannelLayer;
import dev.mux.internal.Json;
import dev.mux.testing.WebSocketCommunicator;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Seeded fuzzing of inbound frames against the demultiplexer with a binding, and against a
 * plain JSON consumer: random bytes, random text, malformed and random JSON, deep nesting,
 * huge numbers and strings, oversized frames, binary frames, unknown streams, actions and
 * types, wrong field types. Every frame gets one of its specified answers, the server never
 * sends invalid JSON, never closes with 1011, and a bystander connection keeps working.
 */
class FrameFuzzTest {

    private static final Duration WAIT = Duration.ofSeconds(5);
    private static final int MAX_FRAME = 64 * 1024;
    private static final String PROBE = "{\"stream\": \"fuzz-probe\", \"payload\": {}}";
    private static final Set<Integer> ERROR_STATUSES = Set.of(400, 403, 404, 405);

    private final InMemoryChannelLayer layer = new InMemoryChannelLayer();
    private final ConsumerRuntime runtime = ConsumerRuntime.builder().layer(layer)
            .limits(ConnectionLimits.builder().maxFrameBytes(MAX_FRAME).build()).build();
    private final MapStore<Message> store = new MapStore<>(Message::id, Message::withId);
    private final Binding<Message> binding = MessageBinding.create(store);

    @AfterEach
    void tearDown() {
        runtime.close();
        layer.close();
    }

    private WebSocketCommunicator connect(Supplier<? extends dev.mux.consumer.WebSocketConsumer> factory) {
        WebSocketCommunicator c = WebSocketCommunicator.builder(layer).runtime(runtime).consumer(factory)
                .path("/ws/").timeout(WAIT).build();
        assertThat(c.connect().accepted()).isTrue();
        return c;
    }

    private Demultiplexer demux() {
        return Demultiplexer.of(Map.of("message-stream", binding)).connectionGroups("message-update");
    }

    /** One fuzz case: what to send, and whether it may legitimately close the connection. */
    private record Case(String kind, String text, byte[] binary) {
        int size() {
            return binary != null ? binary.length : text.getBytes(StandardCharsets.UTF_8).length;
        }
    }

    private Case next(Fuzz fuzz) {
        switch (fuzz.nextInt(12)) {
            case 0:
                return new Case("random bytes as a binary frame", null, fuzz.bytes(300));
            case 1:
                return new Case("random text", fuzz.text(200), null);
            case 2:
                return new Case("malformed JSON", fuzz.malformedJson(), null);
            case 3:
                return new Case("a random JSON value", fuzz.json(5), null);
            case 4:
                return new Case("deeply nested JSON", fuzz.deeplyNested(1001 + fuzz.nextInt(6000)), null);
            case 5:
                return new Case("a huge number", "{\"stream\": \"message-stream\", \"payload\": {\"action\": \"create\","
                        + " \"data\": {\"text\": " + fuzz.hugeNumber() + "}, \"pk\": " + fuzz.hugeNumber() + "}}", null);
            case 6:
                return new Case("a huge string", "{\"stream\": \"message-stream\", \"payload\": {\"action\": \"create\","
                        + " \"data\": {\"text\": \"" + "x".repeat(fuzz.nextInt(MAX_FRAME - 200)) + "\"}}}", null);
            case 7:
                return new Case("an oversized frame", "\"" + "y".repeat(MAX_FRAME + fuzz.nextInt(4096)) + "\"", null);
            case 8:
                return new Case("an unknown stream", "{\"stream\": " + Fuzz.quote(fuzz.text(12))
                        + ", \"payload\": " + fuzz.json(2) + "}", null);
            default:
                return new Case("a stream frame with random fields", envelope(fuzz), null);
        }
    }

    /** A frame for the binding's stream with random actions, pks, data and request ids of random types. */
    private String envelope(Fuzz fuzz) {
        List<String> actions = List.of("\"create\"", "\"update\"", "\"delete\"", "\"list\"", "\"CREATE\"", "1", "null",
                "[]", "{}", Fuzz.quote(fuzz.text(6)));
        StringBuilder payload = new StringBuilder("{");
        payload.append("\"action\": ").append(actions.get(fuzz.nextInt(actions.size())));
        if (fuzz.nextInt(3) > 0) {
            payload.append(", \"pk\": ").append(fuzz.nextInt(2) == 0 ? Integer.toString(fuzz.nextInt(5)) : fuzz.json(2));
        }
        if (fuzz.nextInt(3) > 0) {
            String data = fuzz.nextInt(2) == 0
                    ? "{\"text\": " + fuzz.json(1) + ", \"created\": " + (fuzz.nextInt(2) == 0
                            ? "\"2024-05-01T12:30:00Z\"" : fuzz.json(1)) + "}"
                    : fuzz.json(3);
            payload.append(", \"data\": ").append(data);
        }
        if (fuzz.nextInt(2) == 0) {
            payload.append(", \"request_id\": ").append(fuzz.json(1));
        }
        String stream = fuzz.nextInt(8) == 0 ? fuzz.json(1) : "\"message-stream\"";
        String body = fuzz.nextInt(10) == 0 ? fuzz.json(2) : payload.append('}').toString();
        return "{\"stream\": " + stream + ", \"payload\": " + body + "}";
    }

    private static void send(WebSocketCommunicator c, Case x) {
        if (x.binary != null) {
            c.sendBinary(x.binary);
        } else {
            c.sendText(x.text);
        }
    }

    @Test
    void everyFrameToTheDemultiplexerIsAnsweredAsSpecifiedAndNothingElseBreaks() {
        Fuzz fuzz = new Fuzz("demultiplexer");
        WebSocketCommunicator bystander = connect(this::demux);
        WebSocketCommunicator client = connect(this::demux);
        int cases = Fuzz.cases(1500);
        int closes = 0;
        for (int i = 0; i < cases; i++) {
            Case x = next(fuzz);
            String where = "case " + i + " (" + x.kind + ", seed " + fuzz.seed() + ")";
            send(client, x);
            client.sendText(PROBE);
            while (true) {
                WebSocketCommunicator.Received r = client.receiveAny(WAIT);
                if (r.isClose()) {
                    // The demultiplexer answers everything with error frames; only the frame size closes.
                    assertThat(r.closeCode()).as(where).isEqualTo(CloseCodes.MESSAGE_TOO_BIG);
                    assertThat(x.size()).as(where).isGreaterThan(MAX_FRAME);
                    client.awaitDisconnected(WAIT);
                    client = connect(this::demux);
                    closes++;
                    break;
                }
                JsonNode frame = parse(r, where);
                JsonNode payload = frame.get("payload");
                assertThat(payload).as(where + ": " + frame).isNotNull();
                if (payload.has("errors") && payload.get("errors").size() > 0) {
                    assertThat(ERROR_STATUSES).as(where + ": " + frame).contains(payload.get("response_status").asInt());
                    assertThat(payload.get("errors").isArray() && payload.get("errors").size() > 0)
                            .as(where + ": " + frame).isTrue();
                    if ("fuzz-probe".equals(frame.path("stream").asText(null))
                            && payload.get("response_status").asInt() == 404) {
                        break; // the probe's answer: everything before it was answered
                    }
                } else {
                    // A change broadcast to the group, or a successful reply to a request_id.
                    if (payload.has("errors")) {
                        assertThat(payload.get("response_status").asInt()).as(where + ": " + frame).isIn(200, 201, 204);
                    }
                    assertThat(frame.get("stream").asText()).as(where).isEqualTo("message-stream");
                    assertThat(payload.get("action").asText()).as(where + ": " + frame).isIn("create", "update", "delete");
                }
            }
            if (i % 100 == 0) {
                assertBystanderWorks(bystander, where);
            }
        }
        assertBystanderWorks(bystander, "the end");
        assertThat(runtime.stats().errorCloses()).as("connections closed with 1011").isZero();
        assertThat(closes).as("oversized frames closed with 1009").isPositive();
    }

    private void assertBystanderWorks(WebSocketCommunicator bystander, String where) {
        bystander.sendText("{\"stream\": \"message-stream\", \"payload\": {\"action\": \"create\", \"request_id\": \"canary\","
                + " \"data\": {\"text\": \"canary\", \"created\": \"2024-05-01T12:30:00Z\"}}}");
        while (true) {
            JsonNode frame = parse(bystander.receiveAny(WAIT), "bystander at " + where);
            if ("canary".equals(frame.path("payload").path("request_id").asText(null))) {
                assertThat(frame.path("payload").path("response_status").asInt()).as(where).isEqualTo(201);
                return;
            }
        }
    }

    /** Echoes every JSON value it decodes; bad input gets the JSON consumer's default answers. */
    static final class JsonEcho extends JsonWebSocketConsumer {
        @Override
        protected void onConnect() {
            accept();
        }

        @Override
        protected void onJson(JsonNode content) {
            sendJson(content);
        }
    }

    @Test
    void everyFrameToAJsonConsumerIsEchoedOrClosedWithItsSpecifiedCode() {
        Fuzz fuzz = new Fuzz("json-consumer");
        WebSocketCommunicator bystander = connect(JsonEcho::new);
        WebSocketCommunicator client = connect(JsonEcho::new);
        int cases = Fuzz.cases(1500);
        for (int i = 0; i < cases; i++) {
            Case x = next(fuzz);
            String where = "case " + i + " (" + x.kind + ", seed " + fuzz.seed() + ")";
            JsonNode expected = null;
            if (x.text != null && x.size() <= MAX_FRAME) {
                try {
                    expected = Json.mapper().readTree(x.text);
                } catch (Exception notJson) {
                    expected = null;
                }
            }
            send(client, x);
            WebSocketCommunicator.Received r = client.receiveAny(WAIT);
            if (expected != null && !expected.isMissingNode()) {
                assertThat(r.isClose()).as(where + " was valid JSON").isFalse();
                assertThat(parse(r, where)).as(where).isEqualTo(expected);
                continue;
            }
            assertThat(r.isClose()).as(where + " should close").isTrue();
            int code = x.binary != null ? CloseCodes.UNSUPPORTED_DATA
                    : x.size() > MAX_FRAME ? CloseCodes.MESSAGE_TOO_BIG : CloseCodes.INVALID_PAYLOAD;
            assertThat(r.closeCode()).as(where).isEqualTo(code);
            client.awaitDisconnected(WAIT);
            client = connect(JsonEcho::new);
            if (i % 100 == 0) {
                bystander.sendText("{\"still\": \"here\"}");
                assertThat(parse(bystander.receiveAny(WAIT), "bystander").get("still").asText()).isEqualTo("here");
            }
        }
        assertThat(runtime.stats().errorCloses()).as("connections closed with 1011").isZero();
    }

    private static JsonNode parse(WebSocketCommunicator.Received r, String where) {
        assertThat(r.text()).as(where + ": the server sent " + r.describe()).isNotNull();
        try {
            return Json.mapper().readTree(r.text());
        } catch (Exception e) {
            throw new AssertionError(where + ": the server sent text that is not JSON: " + e.getMessage());
        }
    }
}
