package dev.mux.examples.load;

import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The text of one benchmark chat message: run id, phase, sender number, sequence number and
 * send timestamp, optionally padded to a minimum length.
 *
 * <p>Format: {@code mux-load:<run>:<phase>:<sender>:<seq>:<nanos>:<padding>}, for example
 * {@code mux-load:3f9a1c:m:0:17:81234567890123:xxxx}. The timestamp is the sending JVM's
 * {@link System#nanoTime()}, so it is only meaningful to receivers in the same process, which is
 * how the load tool uses it. The text needs no JSON escaping.
 *
 * <p>Immutable and thread-safe.
 *
 * @param run the run id: lower-case hex, so concurrent or earlier runs in the same room are told apart
 * @param phase warm-up or measured
 * @param sender the sender's number, from 0
 * @param seq the sequence number at that sender, from 0
 * @param sentNanos {@link System#nanoTime()} at (or scheduled for) the send
 */
public record BenchMessage(String run, Phase phase, int sender, long seq, long sentNanos) {

    private static final String PREFIX = "mux-load:";
    private static final Pattern RUN_ID = Pattern.compile("[0-9a-f]{1,16}");

    /** Which part of a run a message belongs to. */
    public enum Phase {
        /** Sent before measuring, to warm up both ends; counted but not measured. */
        WARMUP('w'),
        /** Measured. */
        MEASURED('m');

        private final char code;

        Phase(char code) {
            this.code = code;
        }

        static Optional<Phase> ofCode(String code) {
            for (Phase p : values()) {
                if (code.length() == 1 && code.charAt(0) == p.code) {
                    return Optional.of(p);
                }
            }
            return Optional.empty();
        }
    }

    /**
     * Validates the fields.
     *
     * @throws IllegalArgumentException if the run id is not 1 to 16 lower-case hex digits or a
     *     number is negative
     */
    public BenchMessage {
        Objects.requireNonNull(run, "run");
        Objects.requireNonNull(phase, "phase");
        if (!RUN_ID.matcher(run).matches()) {
            throw new IllegalArgumentException("run must be 1 to 16 lower-case hex digits: " + run);
        }
        if (sender < 0) {
            throw new IllegalArgumentException("sender must be >= 0: " + sender);
        }
        if (seq < 0) {
            throw new IllegalArgumentException("seq must be >= 0: " + seq);
        }
    }

    /**
     * Formats the message text, padded with {@code x} to at least {@code minLength} characters.
     *
     * @param minLength the minimum length of the text; 0 for no padding
     * @return the text to put in the chat message
     */
    public String text(int minLength) {
        StringBuilder sb = new StringBuilder(Math.max(minLength, 48));
        sb.append(PREFIX).append(run).append(':').append(phase.code).append(':')
                .append(sender).append(':').append(seq).append(':').append(sentNanos).append(':');
        while (sb.length() < minLength) {
            sb.append('x');
        }
        return sb.toString();
    }

    /**
     * Parses a message text; anything else in the room (other clients, other tools) is not an
     * error and parses to empty.
     *
     * @param text a chat message text
     * @return the benchmark message, or empty if the text is not one
     */
    public static Optional<BenchMessage> parse(String text) {
        if (text == null || !text.startsWith(PREFIX)) {
            return Optional.empty();
        }
        String[] parts = text.substring(PREFIX.length()).split(":", 6);
        if (parts.length != 6) {
            return Optional.empty();
        }
        Optional<Phase> phase = Phase.ofCode(parts[1]);
        if (phase.isEmpty() || !RUN_ID.matcher(parts[0]).matches()) {
            return Optional.empty();
        }
        try {
            int sender = Integer.parseInt(parts[2]);
            long seq = Long.parseLong(parts[3]);
            long nanos = Long.parseLong(parts[4]);
            if (sender < 0 || seq < 0) {
                return Optional.empty();
            }
            return Optional.of(new BenchMessage(parts[0], phase.get(), sender, seq, nanos));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }
}
