package dev.mux.internal;

import static com.fasterxml.jackson.databind.SerializationFeature.WRITE_DATES_AS_TIMESTAMPS;
import static com.fasterxml.jackson.databind.SerializationFeature.WRITE_DURATIONS_AS_TIMESTAMPS;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.mux.layer.Bytes;
import dev.mux.layer.Message;
import java.io.IOException;

/**
 * The one Jackson configuration Mux uses wherever the application gives no mapper: JSON
 * consumers, the demultiplexer, bindings and the test communicator.
 *
 * <p>It rejects trailing content after the first JSON value (so {@code {"a":1} x} is invalid
 * rather than silently cut), reads decimals exactly as {@link java.math.BigDecimal} (so a
 * number beyond float64 is never silently turned into infinity), and writes {@link Message} as its JSON object and {@link Bytes} as
 * base64 text, as {@link Message#toJson()} does.
 *
 * <p>It writes {@code java.time} values as ISO-8601 strings ({@code "2024-05-01T12:30:00Z"}),
 * not as numbers, because that is what Django's JSON encoder sends and what browsers parse.
 *
 * <p>Thread-safe: the shared mapper is configured once and never changed.
 */
public final class Json {

    private static final ObjectMapper SHARED = newMapper();

    private Json() {
    }

    /**
     * Returns the shared mapper. Callers must not reconfigure it.
     *
     * @return the mapper
     */
    public static ObjectMapper mapper() {
        return SHARED;
    }

    /**
     * Creates a new mapper configured like the shared one, for callers that want to change it.
     *
     * @return a new mapper
     */
    public static ObjectMapper newMapper() {
        SimpleModule module = new SimpleModule("mux");
        module.addSerializer(Message.class, new StdSerializer<>(Message.class) {
            @Override
            public void serialize(Message value, JsonGenerator gen, SerializerProvider provider) throws IOException {
                gen.writeTree(value.toJson());
            }
        });
        module.addSerializer(Bytes.class, new StdSerializer<>(Bytes.class) {
            @Override
            public void serialize(Bytes value, JsonGenerator gen, SerializerProvider provider) throws IOException {
                gen.writeBinary(value.toByteArray());
            }
        });
        return new ObjectMapper()
                .registerModule(new JavaTimeModule())
                .disable(WRITE_DATES_AS_TIMESTAMPS)
                .disable(WRITE_DURATIONS_AS_TIMESTAMPS)
                .registerModule(module)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                // A client's 1e400 must not silently become Infinity (written back as the string
                // "Infinity"): decimals are kept exactly, and converting one to a message value
                // that float64 cannot hold is refused.
                .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
                .configure(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES, false);
    }
}
