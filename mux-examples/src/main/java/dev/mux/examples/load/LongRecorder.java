package dev.mux.examples.load;

import java.util.Arrays;

/**
 * A growable array of {@code long} values, so that recording a latency allocates nothing per
 * value.
 *
 * <p>Not thread-safe: each recorder belongs to one client connection, whose callbacks run one
 * at a time; the owner publishes it to the reporting thread under its own lock.
 */
final class LongRecorder {

    private long[] values;
    private int size;

    LongRecorder(int initialCapacity) {
        if (initialCapacity < 0) {
            throw new IllegalArgumentException("initialCapacity must be >= 0: " + initialCapacity);
        }
        values = new long[Math.max(16, initialCapacity)];
    }

    void add(long value) {
        if (size == values.length) {
            values = Arrays.copyOf(values, values.length * 2);
        }
        values[size++] = value;
    }

    int size() {
        return size;
    }

    /** Copies the recorded values into {@code target} at {@code offset}; returns the count. */
    int copyTo(long[] target, int offset) {
        System.arraycopy(values, 0, target, offset, size);
        return size;
    }
}
