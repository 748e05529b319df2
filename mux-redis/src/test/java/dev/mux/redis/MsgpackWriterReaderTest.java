package dev.mux.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mux.layer.Bytes;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.msgpack.core.MessageBufferPacker;
import org.msgpack.core.MessagePack;

/**
 * The hand-written msgpack writer and reader against the msgpack library the layer used
 * before (itself checked byte-for-byte against Python's msgpack by the interop tests): the same
 * bytes out for every format boundary, and the same values back in.
 */
class MsgpackWriterReaderTest {

    private static final long[] INTEGERS = {
        0, 1, 31, 32, 127, 128, 255, 256, 65535, 65536, (1L << 32) - 1, 1L << 32, Long.MAX_VALUE,
        -1, -31, -32, -33, -127, -128, -129, -32767, -32768, -32769, Integer.MIN_VALUE + 1L,
        Integer.MIN_VALUE, Integer.MIN_VALUE - 1L, Long.MIN_VALUE,
    };

    private static final int[] LENGTHS = {0, 1, 15, 16, 31, 32, 255, 256, 65535, 65536, 70000};

    @Test
    void writesIntegersAtEveryFormatBoundaryAsTheLibraryDoes() throws IOException {
        for (long v : INTEGERS) {
            MessageBufferPacker reference = MessagePack.newDefaultBufferPacker();
            reference.packLong(v);
            MsgpackWriter writer = new MsgpackWriter(4, 0);
            writer.longValue(v);
            assertThat(hex(writer.toByteArray())).as("integer %d", v).isEqualTo(hex(reference.toByteArray()));
            assertThat(new MsgpackReader(writer.toByteArray(), 0, writer.size()).value(1)).isEqualTo(v);
        }
    }

    @Test
    void writesTextBinaryArraysAndMapsAtEveryLengthBoundaryAsTheLibraryDoes() throws IOException {
        for (int n : LENGTHS) {
            String ascii = "a".repeat(n);
            String accented = "é".repeat(n / 2 + 1);
            byte[] binary = new byte[n];
            new Random(n).nextBytes(binary);
            MessageBufferPacker reference = MessagePack.newDefaultBufferPacker();
            reference.packString(ascii);
            reference.packString(accented);
            reference.packBinaryHeader(n);
            reference.writePayload(binary);
            reference.packArrayHeader(n);
            reference.packMapHeader(n);
            MsgpackWriter writer = new MsgpackWriter(16, 0);
            writer.string(ascii);
            writer.string(accented);
            writer.binary(Bytes.of(binary));
            writer.arrayHeader(n);
            writer.mapHeader(n);
            assertThat(hex(writer.toByteArray())).as("length %d", n).isEqualTo(hex(reference.toByteArray()));
        }
    }

    @Test
    void writesFloatsNullsBooleansAndNestedValuesAsTheLibraryDoes() throws IOException {
        Map<String, Object> nested = new LinkedHashMap<>();
        nested.put("f", 1.5);
        nested.put("nan", Double.NaN);
        nested.put("neg0", -0.0);
        nested.put("t", true);
        nested.put("n", null);
        nested.put("l", Arrays.asList(false, "ü€😀", List.of(), Map.of()));
        MessageBufferPacker reference = MessagePack.newDefaultBufferPacker();
        reference.packMapHeader(6);
        reference.packString("f").packDouble(1.5);
        reference.packString("nan").packDouble(Double.NaN);
        reference.packString("neg0").packDouble(-0.0);
        reference.packString("t").packBoolean(true);
        reference.packString("n").packNil();
        reference.packString("l").packArrayHeader(4).packBoolean(false).packString("ü€😀").packArrayHeader(0)
                .packMapHeader(0);
        MsgpackWriter writer = new MsgpackWriter(1, 0);
        writer.value(nested);

        assertThat(hex(writer.toByteArray())).isEqualTo(hex(reference.toByteArray()));
        assertThat(new MsgpackReader(writer.toByteArray(), 0, writer.size()).value(1)).isEqualTo(nested);
    }

    @Test
    void readsBackEveryLengthOfTextAndBinary() {
        for (int n : LENGTHS) {
            List<Object> values = new ArrayList<>();
            values.add("x".repeat(n));
            values.add("ß".repeat(n));
            values.add(Bytes.of(new byte[n]));
            MsgpackWriter writer = new MsgpackWriter(8, 3);
            writer.value(values);
            MsgpackReader reader = new MsgpackReader(writer.toByteArray(), 3, writer.size() - 3);
            assertThat(reader.value(1)).as("length %d", n).isEqualTo(values);
            assertThat(reader.hasMore()).isFalse();
        }
    }

    @Test
    void refusesTruncatedInputAndHugeClaimedLengthsWithoutAllocatingThem() {
        for (String input : List.of("dc", "dcff", "ddffffffff", "df7fffffff", "db7fffffff61", "c6ffffffff", "cd01",
                "cb3ff8", "a561")) {
            byte[] bytes = HexFormat.of().parseHex(input);
            assertThatThrownBy(() -> new MsgpackReader(bytes, 0, bytes.length).value(1)).as(input)
                    .isInstanceOf(MsgpackReader.Malformed.class)
                    .satisfies(e -> assertThat(((MsgpackReader.Malformed) e).reason("k")).containsAnyOf("truncated", "declares"));
        }
    }

    @Test
    void namesThePathOfAnOffendingNestedValue() {
        // {"a": [1, {"b": ext}]} and {"a": {1: 2}}
        byte[] ext = HexFormat.of().parseHex("9201" + "81a162" + "d40100");
        byte[] badKey = HexFormat.of().parseHex("810102");
        assertThatThrownBy(() -> new MsgpackReader(ext, 0, ext.length).value(1))
                .satisfies(e -> assertThat(((MsgpackReader.Malformed) e).reason("a"))
                        .isEqualTo("value at 'a[1].b' has unsupported msgpack type EXTENSION"));
        assertThatThrownBy(() -> new MsgpackReader(badKey, 0, badKey.length).value(1))
                .satisfies(e -> assertThat(((MsgpackReader.Malformed) e).reason("a"))
                        .isEqualTo("map key under 'a' is INTEGER, not a string"));
    }

    @Test
    void refusesNestingDeeperThanTheLimit() {
        byte[] deep = new byte[MsgpackReader.MAX_DEPTH + 1];
        Arrays.fill(deep, (byte) 0x91);
        deep[deep.length - 1] = 0x01;
        assertThatThrownBy(() -> new MsgpackReader(deep, 0, deep.length).value(1))
                .satisfies(e -> assertThat(((MsgpackReader.Malformed) e).reason("k")).startsWith("nested deeper than " + MsgpackReader.MAX_DEPTH));
        byte[] limit = Arrays.copyOf(deep, MsgpackReader.MAX_DEPTH);
        limit[limit.length - 1] = 0x01;
        assertThat(new MsgpackReader(limit, 0, limit.length).value(1)).isInstanceOf(List.class);
    }

    private static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }
}
