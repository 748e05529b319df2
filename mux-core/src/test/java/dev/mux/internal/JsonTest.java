package dev.mux.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.mux.layer.Bytes;
import dev.mux.layer.Message;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {

    @Test
    void javaTimeValuesAreWrittenAsIsoStrings() throws Exception {
        Map<String, Object> value = new LinkedHashMap<>();
        value.put("at", Instant.parse("2024-05-01T12:30:00Z"));
        value.put("day", LocalDate.of(2024, 5, 1));
        value.put("took", Duration.ofSeconds(90));
        assertThat(Json.mapper().writeValueAsString(value))
                .isEqualTo("{\"at\":\"2024-05-01T12:30:00Z\",\"day\":\"2024-05-01\",\"took\":\"PT1M30S\"}");
    }

    @Test
    void messagesAreWrittenAsTheirObjectAndBytesAsBase64() throws Exception {
        Message m = Message.of("type", "x", "data", Bytes.of(new byte[] {1, 2, 3}));
        assertThat(Json.mapper().readTree(Json.mapper().writeValueAsString(m)))
                .isEqualTo(Json.mapper().readTree("{\"type\":\"x\",\"data\":\"AQID\"}"));
    }

    @Test
    void trailingContentAfterTheFirstValueIsRejected() {
        assertThatThrownBy(() -> Json.mapper().readTree("{\"a\":1} x"))
                .isInstanceOf(JsonProcessingException.class);
    }

    @Test
    void aNewMapperIsConfiguredLikeTheSharedOneButIsItsOwn() throws Exception {
        assertThat(Json.newMapper()).isNotSameAs(Json.mapper());
        assertThat(Json.newMapper().writeValueAsString(Map.of("at", Instant.EPOCH)))
                .isEqualTo("{\"at\":\"1970-01-01T00:00:00Z\"}");
    }
}
