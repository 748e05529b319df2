package dev.mux.demux;

import static dev.mux.JsonAssertions.assertJson;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mux.internal.Json;
import dev.mux.layer.Message;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StreamFramesTest {

    record Note(String text, Instant at) {
    }

    @Test
    void encodeWrapsAnyPayloadInTheStreamEnvelope() {
        String text = StreamFrames.encode(Json.mapper(), "notes",
                new Note("hi", Instant.parse("2024-05-01T12:30:00Z")));

        assertJson(text, "{'stream': 'notes', 'payload': {'text': 'hi', 'at': '2024-05-01T12:30:00Z'}}");
    }

    @Test
    void encodeKeepsAMapPayloadAsIs() {
        assertJson(StreamFrames.encode(Json.mapper(), "s", Map.of("n", 1)), "{'stream': 's', 'payload': {'n': 1}}");
    }

    @Test
    void errorFramesCarryErrorsAndStatusInThePayload() {
        assertJson(StreamFrames.error(null, 400, List.of("bad", "worse")),
                "{'stream': null, 'payload': {'errors': ['bad', 'worse'], 'response_status': 400}}");
    }

    @Test
    void theLayerMessageCarriesTheFrameTextUnderTheDemuxFrameType() {
        Message m = StreamFrames.layerMessage("{\"stream\":\"s\",\"payload\":{}}");

        assertThat(m.type()).isEqualTo("demux.frame");
        assertThat(m.getString("text")).isEqualTo("{\"stream\":\"s\",\"payload\":{}}");
    }

    @Test
    void nullArgumentsAreRefusedNamingThem() {
        assertThatThrownBy(() -> StreamFrames.encode(Json.mapper(), null, Map.of()))
                .isInstanceOf(NullPointerException.class).hasMessageContaining("stream");
        assertThatThrownBy(() -> StreamFrames.layerMessage(null))
                .isInstanceOf(NullPointerException.class).hasMessageContaining("frameText");
    }
}
