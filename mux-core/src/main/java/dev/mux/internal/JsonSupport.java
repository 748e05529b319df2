package dev.mux.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

/**
 * The Jackson configuration of {@link Json}, plus {@code java.time} support: what bindings and
 * the demultiplexer use where the application gives no mapper.
 *
 * <p>Dates and times are written as ISO-8601 strings ({@code "2024-05-01T12:30:00Z"}), not as
 * numbers, because that is what Django's JSON encoder sends and what browsers parse.
 *
 * <p>Thread-safe: the mapper is configured once and never changed.
 */
public final class JsonSupport {

    private static final ObjectMapper MAPPER = Json.newMapper()
            .registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(SerializationFeature.WRITE_DURATIONS_AS_TIMESTAMPS);

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
