package dev.mux.redis;

import dev.mux.layer.Bytes;
import dev.mux.layer.Message;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads msgpack from a byte array into message values: integers as {@link Long}, floats as
 * {@link Double}, str as {@link String} (strict UTF-8), bin as {@link Bytes}, arrays as lists
 * and maps with string keys as {@link LinkedHashMap}s in wire order. Anything else (extension
 * types, non-string keys, integers beyond int64, malformed or truncated input, nesting deeper
 * than {@link #MAX_DEPTH}, lengths or counts larger than the bytes left) is refused with a
 * {@link Malformed} naming where it was found. Every declared length is checked against the
 * bytes actually left before anything is allocated for it, so garbage that declares a map of
 * a billion entries or a string of 2 GiB is refused, not allocated.
 *
 * <p>Written by hand rather than through a general msgpack library because every popped
 * message is decoded, and a group message names every target channel: ASCII text (all channel
 * names) becomes a string with a single copy, and nothing else is allocated per value.
 *
 * <p>Not thread-safe; one reader per decoding.
 */
final class MsgpackReader {

    /** Message values may nest {@link Message#MAX_DEPTH} levels below the top-level map. */
    static final int MAX_DEPTH = Message.MAX_DEPTH + 1;

    private final byte[] buf;
    private final int limit;
    private int pos;

    MsgpackReader(byte[] buf, int offset, int length) {
        this.buf = buf;
        this.pos = offset;
        this.limit = offset + length;
    }

    /** Tells whether bytes are left. */
    boolean hasMore() {
        return pos < limit;
    }

    /**
     * Names the type of the next value as msgpack's type families do (NIL, BOOLEAN, INTEGER,
     * FLOAT, STRING, BINARY, ARRAY, MAP, EXTENSION).
     */
    String nextType() {
        int b = peek();
        if (b <= 0x7f || b >= 0xe0 || (b >= 0xcc && b <= 0xd3)) {
            return "INTEGER";
        }
        if (b <= 0x8f || b == 0xde || b == 0xdf) {
            return "MAP";
        }
        if (b <= 0x9f || b == 0xdc || b == 0xdd) {
            return "ARRAY";
        }
        if (b <= 0xbf || (b >= 0xd9 && b <= 0xdb)) {
            return "STRING";
        }
        return switch (b) {
            case 0xc0 -> "NIL";
            case 0xc2, 0xc3 -> "BOOLEAN";
            case 0xc4, 0xc5, 0xc6 -> "BINARY";
            case 0xca, 0xcb -> "FLOAT";
            case 0xc7, 0xc8, 0xc9, 0xd4, 0xd5, 0xd6, 0xd7, 0xd8 -> "EXTENSION";
            default -> "NEVER_USED";
        };
    }

    /** Reads a map header, or returns -1 (consuming nothing) if the next value is not a map. */
    int mapHeader() {
        int b = peek();
        if (b >= 0x80 && b <= 0x8f) {
            pos++;
            return b & 0x0f;
        }
        if (b == 0xde) {
            pos++;
            return u16();
        }
        if (b == 0xdf) {
            pos++;
            return count(length32(), 2, "the message map");
        }
        return -1;
    }

    /**
     * Reads a map key, which must be a string.
     *
     * @param mapPath where the map is, for the error
     */
    String key(String mapPath) {
        long length = stringLength();
        if (length < 0) {
            throw new Malformed("map key under '" + mapPath + "' is " + nextType() + ", not a string");
        }
        return text(length);
    }

    /**
     * Reads any value.
     *
     * @param depth how deep it is nested; the top-level map's values are at depth 1
     */
    Object value(int depth) {
        if (depth > MAX_DEPTH) {
            throw new Malformed("nested deeper than " + MAX_DEPTH + " levels at '{}'");
        }
        int b = peek();
        if (b <= 0x7f) {
            pos++;
            return (long) b;
        }
        if (b >= 0xe0) {
            pos++;
            return (long) (byte) b;
        }
        if (b <= 0x8f) {
            pos++;
            return map(b & 0x0f, depth);
        }
        if (b <= 0x9f) {
            pos++;
            return array(b & 0x0f, depth);
        }
        if (b <= 0xbf) {
            pos++;
            return text(b & 0x1f);
        }
        pos++;
        switch (b) {
            case 0xc0:
                return null;
            case 0xc2:
                return Boolean.FALSE;
            case 0xc3:
                return Boolean.TRUE;
            case 0xc4:
                return binary(u8());
            case 0xc5:
                return binary(u16());
            case 0xc6:
                return binary(length32());
            case 0xca:
                return (double) Float.intBitsToFloat(i32());
            case 0xcb:
                return Double.longBitsToDouble(i64());
            case 0xcc:
                return (long) u8();
            case 0xcd:
                return (long) u16();
            case 0xce:
                return i32() & 0xffffffffL;
            case 0xcf: {
                long v = i64();
                if (v < 0) {
                    // The value itself stays out of the message: it is payload, and this is logged.
                    throw new Malformed("integer at '{}' exceeds int64");
                }
                return v;
            }
            case 0xd0:
                return (long) (byte) u8();
            case 0xd1:
                return (long) (short) u16();
            case 0xd2:
                return (long) i32();
            case 0xd3:
                return i64();
            case 0xd9:
                return text(u8());
            case 0xda:
                return text(u16());
            case 0xdb:
                return text(length32());
            case 0xdc:
                return array(u16(), depth);
            case 0xdd:
                return array(length32(), depth);
            case 0xde:
                return map(u16(), depth);
            case 0xdf:
                return map(length32(), depth);
            default:
                pos--;
                throw new Malformed("value at '{}' has unsupported msgpack type " + nextType());
        }
    }

    private List<Object> array(long declared, int depth) {
        int size = count(declared, 1, "the list at '{}'");
        // A claimed size is not trusted for the allocation: every element takes at least a byte.
        List<Object> list = new ArrayList<>(Math.min(size, limit - pos));
        for (int i = 0; i < size; i++) {
            try {
                list.add(value(depth + 1));
            } catch (Malformed e) {
                throw e.under("[" + i + "]");
            }
        }
        return list;
    }

    private Map<String, Object> map(long declared, int depth) {
        int size = count(declared, 2, "the map at '{}'");
        Map<String, Object> map = new LinkedHashMap<>(Math.max(4, Math.min(size, limit - pos) * 2));
        for (int i = 0; i < size; i++) {
            // A key error names this map's path, which the callers prepend as they unwind.
            String key = key("{}");
            try {
                map.put(key, value(depth + 1));
            } catch (Malformed e) {
                throw e.under("." + key);
            }
        }
        return map;
    }

    /** Reads a str header, or returns -1 (consuming nothing) if the next value is not a str. */
    private long stringLength() {
        int b = peek();
        if (b >= 0xa0 && b <= 0xbf) {
            pos++;
            return b & 0x1f;
        }
        switch (b) {
            case 0xd9:
                pos++;
                return u8();
            case 0xda:
                pos++;
                return u16();
            case 0xdb:
                pos++;
                return length32();
            default:
                return -1;
        }
    }

    private String text(long declared) {
        int length = length(declared, "the string at '{}'");
        int start = pos;
        int end = start + length;
        for (int i = start; i < end; i++) {
            if (buf[i] < 0) {
                pos = end;
                return utf8(start, length);
            }
        }
        pos = end;
        // ASCII: each byte is its char; ISO-8859-1 decoding is a plain copy into a compact string.
        return new String(buf, start, length, StandardCharsets.ISO_8859_1);
    }

    private String utf8(int start, int length) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(buf, start, length))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new Malformed("the string at '{}' is not valid UTF-8");
        }
    }

    private Bytes binary(long declared) {
        int length = length(declared, "the binary value at '{}'");
        byte[] copy = Arrays.copyOfRange(buf, pos, pos + length);
        pos += length;
        return Bytes.wrap(copy);
    }

    private int peek() {
        require(1);
        return buf[pos] & 0xff;
    }

    private int u8() {
        require(1);
        return buf[pos++] & 0xff;
    }

    private int u16() {
        require(2);
        int v = ((buf[pos] & 0xff) << 8) | (buf[pos + 1] & 0xff);
        pos += 2;
        return v;
    }

    private int i32() {
        require(4);
        int v = ((buf[pos] & 0xff) << 24) | ((buf[pos + 1] & 0xff) << 16) | ((buf[pos + 2] & 0xff) << 8)
                | (buf[pos + 3] & 0xff);
        pos += 4;
        return v;
    }

    private long i64() {
        long high = i32();
        return (high << 32) | (i32() & 0xffffffffL);
    }

    /** A 32-bit unsigned length or count, checked by the caller against the bytes left. */
    private long length32() {
        return i32() & 0xffffffffL;
    }

    /** Checks a declared element count: each element takes at least {@code bytesEach} bytes. */
    private int count(long declared, int bytesEach, String what) {
        if (declared * bytesEach > limit - pos) {
            throw new Malformed(what + " declares " + declared + " elements but only " + (limit - pos)
                    + " bytes are left");
        }
        return (int) declared;
    }

    /** Checks a declared payload length. */
    private int length(long declared, String what) {
        if (declared > limit - pos) {
            throw new Malformed(what + " declares " + declared + " bytes but only " + (limit - pos)
                    + " are left");
        }
        return (int) declared;
    }

    private void require(int n) {
        if (n > limit - pos) {
            throw new Malformed("invalid msgpack: truncated input");
        }
    }

    /**
     * Input that is not an acceptable message. The text holds {@code {}} where the path of the
     * offending value goes; the path is assembled while the reader unwinds, so that decoding
     * valid input never builds path strings.
     */
    static final class Malformed extends RuntimeException {
        private static final long serialVersionUID = 1L;

        private final String template;
        private final String path;

        Malformed(String template) {
            this(template, "");
        }

        private Malformed(String template, String path) {
            super(template, null, false, false);
            this.template = template;
            this.path = path;
        }

        /** The same failure one level further out: {@code segment} goes in front of the path. */
        Malformed under(String segment) {
            return new Malformed(template, segment + path);
        }

        /**
         * Formats the failure for a value found under a top-level key.
         *
         * @param topKey the key of the message the value belongs to, or "" for the map itself
         * @return the reason, with the full path
         */
        String reason(String topKey) {
            return template.replace("{}", topKey + path);
        }
    }
}
