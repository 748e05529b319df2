package dev.mux.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

/**
 * The Jackson configuration Mux uses where the application gives none.
 *
 * <p>Dates and times are written as ISO-8601 strings ({@code "2024-05-01T12:30:00Z"}), not as
 * numbers, because that is what Django's JSON encoder sends and what browsers parse.
 *
 * <p>Thread-safe: the mapper is configured once and never changed.
 */
public final class JsonSupport {

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .addModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(SerializationFeature.WRITE_DURATIONS_AS_TIMESTAMPS)
            .build();

    private JsonSupport() {
    }

    /**
     * Returns the shared default mapper; callers must not reconfigure it.
     *
     * @return a mapper with {@code java.time} support writing ISO-8601 strings
     */
    public static ObjectMapper mapper() {
        return MAPPER;
    }
}
