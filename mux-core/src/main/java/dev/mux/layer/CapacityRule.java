package dev.mux.layer;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A per-channel capacity override: channels whose name matches {@link #pattern()} hold at most
 * {@link #capacity()} messages.
 *
 * <p>Rules are tried in order and the first match wins, like channels_redis'
 * {@code channel_capacity}. A glob ({@link #glob}) follows Python's {@code fnmatch}: {@code *}
 * matches any run, {@code ?} one character, {@code [abc]} a set and {@code [!abc]} its
 * complement; a regex ({@link #regex}) must match the whole name.
 *
 * <p>Instances are immutable and thread-safe.
 *
 * @param pattern  the compiled pattern; matched against the full channel name
 * @param capacity the capacity for matching channels, at least 1
 */
public record CapacityRule(Pattern pattern, int capacity) {

    /**
     * Validates the rule.
     *
     * @throws NullPointerException     if {@code pattern} is {@code null}
     * @throws IllegalArgumentException if {@code capacity < 1}
     */
    public CapacityRule {
        Objects.requireNonNull(pattern, "pattern must not be null");
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be >= 1, was " + capacity);
        }
    }

    /**
     * Creates a rule from a glob such as {@code "http.response!*"}.
     *
     * @param glob     the glob, in Python {@code fnmatch} syntax
     * @param capacity the capacity for matching channels
     * @return the rule
     */
    public static CapacityRule glob(String glob, int capacity) {
        Objects.requireNonNull(glob, "glob must not be null");
        return new CapacityRule(Pattern.compile(globToRegex(glob)), capacity);
    }

    /**
     * Creates a rule from a regular expression that must match the whole channel name.
     *
     * @param regex    the regular expression
     * @param capacity the capacity for matching channels
     * @return the rule
     */
    public static CapacityRule regex(String regex, int capacity) {
        Objects.requireNonNull(regex, "regex must not be null");
        return new CapacityRule(Pattern.compile(regex), capacity);
    }

    /**
     * Tells whether this rule applies to a channel.
     *
     * @param channel a channel name
     * @return {@code true} if the pattern matches the whole name
     */
    public boolean matches(String channel) {
        return pattern.matcher(channel).matches();
    }

    static String globToRegex(String glob) {
        StringBuilder out = new StringBuilder(glob.length() + 8);
        int i = 0;
        int n = glob.length();
        while (i < n) {
            char c = glob.charAt(i++);
            if (c == '*') {
                out.append(".*");
            } else if (c == '?') {
                out.append('.');
            } else if (c == '[') {
                int j = i;
                if (j < n && glob.charAt(j) == '!') {
                    j++;
                }
                if (j < n && glob.charAt(j) == ']') {
                    j++;
                }
                while (j < n && glob.charAt(j) != ']') {
                    j++;
                }
                if (j >= n) {
                    out.append("\\[");
                } else {
                    String set = glob.substring(i, j).replace("\\", "\\\\");
                    i = j + 1;
                    if (set.startsWith("!")) {
                        set = "^" + set.substring(1);
                    } else if (set.startsWith("^")) {
                        set = "\\" + set;
                    }
                    out.append('[').append(set).append(']');
                }
            } else {
                out.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return "(?s:" + out + ")";
    }
}
