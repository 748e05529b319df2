package dev.mux.redis;

import dev.mux.layer.Bytes;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Writes msgpack into a growable byte array, choosing every format exactly as Python's msgpack
 * does with {@code use_bin_type=True}: the smallest integer format (unsigned ones for
 * non-negative values), float64 for floats, str8/str16/str32 for text by its UTF-8 length,
 * bin8/bin16/bin32 for binary, and the smallest array and map headers. channels_redis
 * compares nothing byte-wise, but Lua scripts and other readers see the same bytes either way.
 *
 * <p>Written by hand rather than through a general msgpack library because a layer encodes
 * every message it sends: this writer allocates only its buffer and copies ASCII text without
 * an intermediate array.
 *
 * <p>Not thread-safe; one writer per encoding.
 */
final class MsgpackWriter {

    private byte[] buf;
    private int pos;

    /**
     * Creates a writer.
     *
     * @param capacity the initial buffer size; the buffer grows as needed
     * @param start    how many leading bytes to leave unwritten (for a prefix filled later)
     */
    MsgpackWriter(int capacity, int start) {
        this.buf = new byte[Math.max(capacity, start + 16)];
        this.pos = start;
    }

    /** Returns the bytes written so far (including the reserved start), trimmed to size. */
    byte[] toByteArray() {
        return pos == buf.length ? buf : Arrays.copyOf(buf, pos);
    }

    /** Returns the number of bytes written, including the reserved start. */
    int size() {
        return pos;
    }

    void mapHeader(int n) {
        header(n, 0x80, 0xde, 0xdf);
    }

    void arrayHeader(int n) {
        header(n, 0x90, 0xdc, 0xdd);
    }

    private void header(int n, int fix, int tag16, int tag32) {
        ensure(5);
        if (n < 16) {
            buf[pos++] = (byte) (fix | n);
        } else if (n < 65536) {
            buf[pos++] = (byte) tag16;
            putShort(n);
        } else {
            buf[pos++] = (byte) tag32;
            putInt(n);
        }
    }

    void nil() {
        ensure(1);
        buf[pos++] = (byte) 0xc0;
    }

    void bool(boolean value) {
        ensure(1);
        buf[pos++] = (byte) (value ? 0xc3 : 0xc2);
    }

    void longValue(long v) {
        ensure(9);
        if (v < -32) {
            if (v >= Byte.MIN_VALUE) {
                buf[pos++] = (byte) 0xd0;
                buf[pos++] = (byte) v;
            } else if (v >= Short.MIN_VALUE) {
                buf[pos++] = (byte) 0xd1;
                putShort((int) v);
            } else if (v >= Integer.MIN_VALUE) {
                buf[pos++] = (byte) 0xd2;
                putInt((int) v);
            } else {
                buf[pos++] = (byte) 0xd3;
                putLong(v);
            }
        } else if (v < 128) {
            // Positive and negative fixint: the value is its own byte.
            buf[pos++] = (byte) v;
        } else if (v < 256) {
            buf[pos++] = (byte) 0xcc;
            buf[pos++] = (byte) v;
        } else if (v < 65536) {
            buf[pos++] = (byte) 0xcd;
            putShort((int) v);
        } else if (v < (1L << 32)) {
            buf[pos++] = (byte) 0xce;
            putInt((int) v);
        } else {
            buf[pos++] = (byte) 0xcf;
            putLong(v);
        }
    }

    void doubleValue(double v) {
        ensure(9);
        buf[pos++] = (byte) 0xcb;
        putLong(Double.doubleToRawLongBits(v));
    }

    /**
     * Writes text as str with its UTF-8 bytes; ASCII text is copied straight into the buffer.
     * A lone surrogate has no UTF-8 form: the JDK's encoder would silently write '?', so it is
     * refused with a {@link LoneSurrogate} instead, as Python's msgpack refuses it.
     */
    void string(String s) {
        int n = s.length();
        int header = n < 32 ? 1 : n < 256 ? 2 : n < 65536 ? 3 : 5;
        ensure(header + n);
        int start = pos + header;
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c >= 0x80) {
                // Not ASCII: the byte length differs from the char count; encode properly.
                checkSurrogates(s, i);
                byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
                stringHeader(utf8.length);
                raw(utf8, 0, utf8.length);
                return;
            }
            buf[start + i] = (byte) c;
        }
        stringHeader(n);
        pos += n;
    }

    private static void checkSurrogates(String s, int from) {
        for (int i = from; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isSurrogate(c)) {
                if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                    i++;
                    continue;
                }
                throw new LoneSurrogate(c);
            }
        }
    }

    /** Writes text given as its UTF-8 bytes, as str. */
    void stringBytes(byte[] utf8) {
        stringHeader(utf8.length);
        raw(utf8, 0, utf8.length);
    }

    private void stringHeader(int n) {
        ensure(5);
        if (n < 32) {
            buf[pos++] = (byte) (0xa0 | n);
        } else if (n < 256) {
            buf[pos++] = (byte) 0xd9;
            buf[pos++] = (byte) n;
        } else if (n < 65536) {
            buf[pos++] = (byte) 0xda;
            putShort(n);
        } else {
            buf[pos++] = (byte) 0xdb;
            putInt(n);
        }
    }

    void binary(Bytes bytes) {
        int n = bytes.size();
        ensure(5 + n);
        if (n < 256) {
            buf[pos++] = (byte) 0xc4;
            buf[pos++] = (byte) n;
        } else if (n < 65536) {
            buf[pos++] = (byte) 0xc5;
            putShort(n);
        } else {
            buf[pos++] = (byte) 0xc6;
            putInt(n);
        }
        bytes.asReadOnlyBuffer().get(buf, pos, n);
        pos += n;
    }

    /** Appends bytes that are already msgpack. */
    void raw(byte[] bytes, int offset, int length) {
        ensure(length);
        System.arraycopy(bytes, offset, buf, pos, length);
        pos += length;
    }

    /**
     * Writes a normalized message value: {@code null}, String, Long, Double, Boolean, Bytes,
     * List or Map with String keys.
     */
    void value(Object value) {
        if (value == null) {
            nil();
        } else if (value instanceof String s) {
            string(s);
        } else if (value instanceof Long l) {
            longValue(l);
        } else if (value instanceof Double d) {
            doubleValue(d);
        } else if (value instanceof Boolean b) {
            bool(b);
        } else if (value instanceof Bytes bytes) {
            binary(bytes);
        } else if (value instanceof List<?> list) {
            arrayHeader(list.size());
            int i = 0;
            for (Object item : list) {
                try {
                    value(item);
                } catch (LoneSurrogate e) {
                    throw e.under("[" + i + "]");
                }
                i++;
            }
        } else if (value instanceof Map<?, ?> map) {
            mapHeader(map.size());
            for (Map.Entry<?, ?> e : map.entrySet()) {
                String key = (String) e.getKey();
                try {
                    string(key);
                    value(e.getValue());
                } catch (LoneSurrogate failure) {
                    throw failure.under("." + key);
                }
            }
        } else {
            // Message normalizes every value to the types above; anything else is a bug.
            throw new IllegalStateException("not a normalized message value: " + value.getClass().getName());
        }
    }

    private void putShort(int v) {
        buf[pos++] = (byte) (v >>> 8);
        buf[pos++] = (byte) v;
    }

    private void putInt(int v) {
        buf[pos++] = (byte) (v >>> 24);
        buf[pos++] = (byte) (v >>> 16);
        buf[pos++] = (byte) (v >>> 8);
        buf[pos++] = (byte) v;
    }

    private void putLong(long v) {
        putInt((int) (v >>> 32));
        putInt((int) v);
    }

    private void ensure(int more) {
        if (buf.length - pos < more) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, pos + more));
        }
    }

    /**
     * A string with a lone surrogate, which has no UTF-8 form; carries the path from the value
     * up, built only on this rare failure so that writing allocates nothing for paths.
     */
    static final class LoneSurrogate extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final char character;
        private final StringBuilder below = new StringBuilder();

        LoneSurrogate(char character) {
            super(null, null, false, false);
            this.character = character;
        }

        LoneSurrogate under(String step) {
            below.insert(0, step);
            return this;
        }

        String path(String key) {
            return key + below;
        }
    }
}
