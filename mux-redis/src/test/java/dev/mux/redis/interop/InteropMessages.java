package dev.mux.redis.interop;

import dev.mux.layer.Message;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Messages the interoperability tests send across languages: one value of every type a
 * channels_redis message may hold, including the edges where encoders usually go wrong.
 */
final class InteropMessages {

    private InteropMessages() {
    }

    /**
     * Returns a message with every value type: str, bytes, int64 minimum and maximum, small
     * and negative integers, floats (fractional, integral, tiny, huge, negative zero, NaN, infinity), both
     * booleans, None, nested lists and maps, non-ASCII text (including a character outside the
     * Basic Multilingual Plane), the empty string and empty bytes.
     *
     * @param type the {@code type} key
     * @return the message
     */
    static Message everyValueType(String type) {
        Map<String, Object> inner = new LinkedHashMap<>();
        inner.put("bytes", new byte[] {(byte) 0xc1, 0x00, (byte) 0xff});
        inner.put("none", null);
        inner.put("deeper", Map.of("list", List.of(List.of(1L, 2L), List.of())));
        inner.put("empty_map", Map.of());
        return Message.builder(type)
                .put("str", "hello")
                .put("bytes", new byte[] {0x00, 0x01, 0x7f, (byte) 0x80, (byte) 0xfe, (byte) 0xff})
                .put("bytes_utf8_lookalike", "hello".getBytes(java.nio.charset.StandardCharsets.UTF_8))
                .put("int64_min", Long.MIN_VALUE)
                .put("int64_max", Long.MAX_VALUE)
                .put("int_zero", 0L)
                .put("int_negative", -1L)
                .put("int_uint32_edge", 4_294_967_296L)
                .put("float", 3.141592653589793)
                .put("float_integral", 2.0)
                .put("float_negative_zero", -0.0)
                .put("float_tiny", Double.MIN_VALUE)
                .put("float_huge", 1.7976931348623157e308)
                .put("float_nan", Double.NaN)
                .put("float_infinity", Double.POSITIVE_INFINITY)
                .put("true", true)
                .put("false", false)
                .put("none", null)
                .put("list", Arrays.asList("a", 1L, 1.5, null, true, new byte[] {9}, List.of("nested")))
                .put("map", inner)
                .put("non_ascii", "grüße, Привет, 世界, emoji \uD83D\uDE00")
                .put("empty_str", "")
                .put("empty_bytes", new byte[0])
                .put("empty_list", List.of())
                .build();
    }
}
