package dev.mux.fuzz;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;

/**
 * Seeded generators of hostile input for the fuzz tests of every module: random bytes, random
 * text, random and malformed JSON, deep nesting, huge numbers and strings, random names.
 *
 * <p>Runs are reproducible: the seed comes from the system property {@value #SEED_PROPERTY}
 * (default {@value #DEFAULT_SEED}) and failing tests print it with the case number; the number
 * of cases from {@value #ITERATIONS_PROPERTY}. Not thread-safe: one instance per test thread.
 */
public final class Fuzz {

    /** System property that sets the seed. */
    public static final String SEED_PROPERTY = "mux.fuzz.seed";
    /** System property that scales the number of cases. */
    public static final String ITERATIONS_PROPERTY = "mux.fuzz.iterations";
    /** The seed used when none is given. */
    public static final long DEFAULT_SEED = 20261127L;

    private static final String NAME_CHARS =
            "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.!!!!  /\\:*?$#@%&é\u0000\u00ff\ud83d\ude00";
    private static final List<String> JSON_SCALARS = List.of("null", "true", "false", "0", "-0", "1", "-1",
            "3.14", "1e308", "-1e-308", "9223372036854775807", "-9223372036854775808", "9223372036854775808",
            "\"\"", "\"x\"", "\"\\u0000\"", "\"\\ud800\"", "\"é\"", "\"\\\"\"");

    private final long seed;
    private final Random random;

    /**
     * Creates a generator with the configured seed, mixed with a salt so that two tests do not
     * see the same sequence.
     *
     * @param salt distinguishes the tests
     */
    public Fuzz(String salt) {
        this.seed = Long.getLong(SEED_PROPERTY, DEFAULT_SEED) ^ salt.hashCode();
        this.random = new Random(seed);
    }

    /**
     * Returns how many cases a test runs: its default, scaled by the property if set.
     *
     * @param defaultCases the test's own number
     * @return the number of cases
     */
    public static int cases(int defaultCases) {
        return Integer.getInteger(ITERATIONS_PROPERTY, defaultCases);
    }

    /**
     * Returns the seed, for failure messages.
     *
     * @return the seed of this generator
     */
    public long seed() {
        return seed;
    }

    /**
     * Returns the underlying random source.
     *
     * @return the random
     */
    public Random random() {
        return random;
    }

    /**
     * Returns an integer in [0, bound).
     *
     * @param bound exclusive upper bound
     * @return the integer
     */
    public int nextInt(int bound) {
        return random.nextInt(bound);
    }

    /**
     * Returns random bytes.
     *
     * @param maxLength the longest array
     * @return bytes of length 0 to maxLength
     */
    public byte[] bytes(int maxLength) {
        byte[] b = new byte[random.nextInt(maxLength + 1)];
        random.nextBytes(b);
        return b;
    }

    /**
     * Returns bytes that are not valid UTF-8 (a lone continuation byte, an overlong form, a
     * surrogate, a truncated sequence or a byte never used in UTF-8), within valid text.
     *
     * @return invalid UTF-8
     */
    public byte[] invalidUtf8() {
        byte[][] bad = {
            {(byte) 0x80}, {(byte) 0xC0, (byte) 0xAF}, {(byte) 0xED, (byte) 0xA0, (byte) 0x80},
            {(byte) 0xE2, (byte) 0x82}, {(byte) 0xFF}, {(byte) 0xF5, (byte) 0x80, (byte) 0x80, (byte) 0x80},
            {(byte) 0xF0, (byte) 0x9F, (byte) 0x98}};
        byte[] before = ("{\"message\": \"" + text(20)).getBytes(StandardCharsets.UTF_8);
        byte[] middle = bad[random.nextInt(bad.length)];
        byte[] after = "\"}".getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[before.length + middle.length + after.length];
        System.arraycopy(before, 0, out, 0, before.length);
        System.arraycopy(middle, 0, out, before.length, middle.length);
        System.arraycopy(after, 0, out, before.length + middle.length, after.length);
        return out;
    }

    /**
     * Returns random text: ASCII, controls, Latin-1, astral characters and lone surrogates.
     *
     * @param maxLength the most chars
     * @return the text
     */
    public String text(int maxLength) {
        int n = random.nextInt(maxLength + 1);
        StringBuilder sb = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            switch (random.nextInt(6)) {
                case 0 -> sb.append((char) random.nextInt(32));
                case 1 -> sb.append((char) (0x80 + random.nextInt(0x780)));
                case 2 -> sb.appendCodePoint(0x1F600 + random.nextInt(80));
                case 3 -> sb.append((char) (0xD800 + random.nextInt(0x800))); // a lone surrogate
                default -> sb.append((char) (32 + random.nextInt(95)));
            }
        }
        return sb.toString();
    }

    /**
     * Returns a random channel or group name: usually plausible, often invalid (bad characters,
     * empty, too long, several {@code !}).
     *
     * @return the name
     */
    public String name() {
        int n = random.nextInt(10) == 0 ? 95 + random.nextInt(15) : random.nextInt(24);
        StringBuilder sb = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            sb.append(random.nextInt(4) == 0 ? NAME_CHARS.charAt(random.nextInt(NAME_CHARS.length()))
                    : NAME_CHARS.charAt(random.nextInt(64)));
        }
        return sb.toString();
    }

    /**
     * Returns a JSON value of random shape: scalars, strings with escapes, arrays, objects.
     *
     * @param depth how deep it may nest
     * @return JSON text, always valid
     */
    public String json(int depth) {
        int pick = random.nextInt(depth <= 0 ? 3 : 6);
        switch (pick) {
            case 0:
                return JSON_SCALARS.get(random.nextInt(JSON_SCALARS.size()));
            case 1:
                return quote(text(30));
            case 2:
                return Long.toString(random.nextLong());
            case 3: {
                StringBuilder sb = new StringBuilder("[");
                int n = random.nextInt(5);
                for (int i = 0; i < n; i++) {
                    sb.append(i == 0 ? "" : ",").append(json(depth - 1));
                }
                return sb.append(']').toString();
            }
            default: {
                StringBuilder sb = new StringBuilder("{");
                int n = random.nextInt(5);
                for (int i = 0; i < n; i++) {
                    sb.append(i == 0 ? "" : ",").append(quote(random.nextBoolean() ? text(8) : key()))
                            .append(':').append(json(depth - 1));
                }
                return sb.append('}').toString();
            }
        }
    }

    /**
     * Returns JSON that is broken: cut short, with a stray token, or with trailing content.
     *
     * @return invalid JSON text
     */
    public String malformedJson() {
        String valid = json(3);
        return switch (random.nextInt(5)) {
            case 0 -> valid.length() > 1 ? valid.substring(0, valid.length() - 1 - random.nextInt(valid.length() - 1))
                    : "{";
            case 1 -> valid + " " + json(1);
            case 2 -> "{" + valid;
            case 3 -> "{\"a\": " + valid + ",}";
            default -> "{'single': 'quotes'}";
        };
    }

    /**
     * Returns JSON nested far deeper than any parser should follow.
     *
     * @param levels how many levels
     * @return the text
     */
    public String deeplyNested(int levels) {
        boolean arrays = random.nextBoolean();
        StringBuilder sb = new StringBuilder(levels * 8);
        for (int i = 0; i < levels; i++) {
            sb.append(arrays ? "[" : "{\"a\":");
        }
        sb.append("1");
        for (int i = 0; i < levels; i++) {
            sb.append(arrays ? "]" : "}");
        }
        return sb.toString();
    }

    /**
     * Returns a number literal far beyond int64 or double: many digits, a huge exponent.
     *
     * @return the literal
     */
    public String hugeNumber() {
        return switch (random.nextInt(4)) {
            case 0 -> "1" + "0".repeat(20 + random.nextInt(300));
            case 1 -> "-" + "9".repeat(20 + random.nextInt(3000));
            case 2 -> "1e" + (309 + random.nextInt(100000));
            default -> "0." + "0".repeat(random.nextInt(2000)) + "1e-99999";
        };
    }

    /**
     * Returns a key a protocol might use, or a near miss.
     *
     * @return the key
     */
    public String key() {
        List<String> keys = List.of("stream", "payload", "action", "pk", "data", "request_id", "type", "message",
                "text", "id", "created", "Stream", "payload ", "__asgi_channel__", "");
        return keys.get(random.nextInt(keys.size()));
    }

    /**
     * Quotes text as a JSON string (escaping quotes, backslashes and controls).
     *
     * @param s the text
     * @return the JSON string literal
     */
    public static String quote(String s) {
        StringBuilder sb = new StringBuilder(s.length() + 2).append('"');
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') {
                sb.append('\\').append(c);
            } else if (c < 0x20) {
                sb.append(String.format("\\u%04x", (int) c));
            } else {
                sb.append(c);
            }
        }
        return sb.append('"').toString();
    }
}
