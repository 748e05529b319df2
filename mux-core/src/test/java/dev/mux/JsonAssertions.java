package dev.mux;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

/**
 * Exact JSON comparison for tests: both sides are parsed, so key order and the width of numbers
 * do not matter but every key, value and type does. Expected JSON may use single quotes.
 */
public final class JsonAssertions {

    private static final ObjectMapper LENIENT = JsonMapper.builder()
            .enable(JsonReadFeature.ALLOW_SINGLE_QUOTES)
            .build();

    private JsonAssertions() {
    }

    /** Parses JSON, single quotes allowed. */
    public static JsonNode json(String text) {
        try {
            return LENIENT.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("bad JSON in test: " + text, e);
        }
    }

    /** Asserts that a JSON text or tree equals the expected JSON exactly. */
    public static void assertJson(Object actual, String expected) {
        JsonNode actualTree = actual instanceof String s ? json(s) : json(String.valueOf(actual));
        assertThat(actualTree).as("JSON %s", actual).isEqualTo(json(expected));
    }
}
