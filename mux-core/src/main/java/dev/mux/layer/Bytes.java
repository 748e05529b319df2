package dev.mux.layer;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Objects;

/**
 * An immutable sequence of bytes: how a {@link Message} holds binary values, kept distinct from
 * text (msgpack {@code bin} versus {@code str}, Python {@code bytes} versus {@code str}).
 *
 * <p>{@link Message} accepts {@code byte[]} anywhere and converts it to {@code Bytes}; the
 * array is copied, so later changes to it do not reach the message.
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class Bytes {

    private static final Bytes EMPTY = new Bytes(new byte[0]);

    private final byte[] data;

    private Bytes(byte[] data) {
        this.data = data;
    }

    /**
     * Returns a copy of {@code array} as {@code Bytes}.
     *
     * @param array the bytes to copy
     * @return the bytes
     */
    public static Bytes of(byte[] array) {
        Objects.requireNonNull(array, "array must not be null");
        return array.length == 0 ? EMPTY : new Bytes(array.clone());
    }

    /**
     * Returns {@code Bytes} backed by {@code array} without copying it. The caller hands the
     * array over and must never change it afterwards; decoders use this to avoid a copy.
     *
     * @param array the bytes, owned by the result from now on
     * @return the bytes
     */
    public static Bytes wrap(byte[] array) {
        Objects.requireNonNull(array, "array must not be null");
        return new Bytes(array);
    }

    /**
     * Returns the number of bytes.
     *
     * @return the length, {@code >= 0}
     */
    public int size() {
        return data.length;
    }

    /**
     * Returns one byte.
     *
     * @param index from 0 to {@code size() - 1}
     * @return the byte at {@code index}
     */
    public byte get(int index) {
        return data[index];
    }

    /**
     * Returns a copy of the bytes as a new array.
     *
     * @return a fresh array the caller may change
     */
    public byte[] toByteArray() {
        return data.clone();
    }

    /**
     * Returns a read-only view of the bytes, for writing them out without a copy.
     *
     * @return a read-only buffer positioned at 0
     */
    public ByteBuffer asReadOnlyBuffer() {
        return ByteBuffer.wrap(data).asReadOnlyBuffer();
    }

    @Override
    public boolean equals(Object o) {
        return o == this || (o instanceof Bytes other && Arrays.equals(data, other.data));
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(data);
    }

    /**
     * Returns the length and the first bytes in hex, never the whole content.
     */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("Bytes[").append(data.length).append(':');
        for (int i = 0; i < Math.min(16, data.length); i++) {
            sb.append(String.format("%02x", data[i] & 0xff));
        }
        if (data.length > 16) {
            sb.append('…');
        }
        return sb.append(']').toString();
    }
}
