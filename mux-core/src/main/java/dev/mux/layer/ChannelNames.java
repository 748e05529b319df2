package dev.mux.layer;

import java.util.Objects;

/**
 * The naming rules for channels and groups, identical to Django Channels'.
 *
 * <ul>
 *   <li>A channel name matches {@code ^[a-zA-Z\d\-_.]+(![\d\w\-_.]*)?$} and is shorter than
 *       {@value #MAX_NAME_LENGTH} characters.</li>
 *   <li>A group name matches {@code ^[a-zA-Z\d\-_.]+$} and is shorter than
 *       {@value #MAX_NAME_LENGTH} characters.</li>
 *   <li>A channel name with {@code !} is <em>process-local</em>: everything up to and
 *       including the {@code !} (its {@linkplain #nonLocalPart non-local part}) names the
 *       process that receives it; the rest tells that process's channels apart.</li>
 * </ul>
 *
 * <p>This class is stateless and thread-safe.
 */
public final class ChannelNames {

    /** Names must be strictly shorter than this many characters. */
    public static final int MAX_NAME_LENGTH = 100;

    private ChannelNames() {
    }

    /**
     * Tells whether {@code name} is a valid channel name.
     *
     * @param name a candidate, may be {@code null}
     * @return {@code true} if it matches the channel rule and is short enough
     */
    public static boolean isValidChannel(String name) {
        // A hand-written scan of the rule's regex, because every send and receive checks a name
        // and a regex match costs more than the rest of an in-memory send. ASCII only, as the
        // regex is without UNICODE_CHARACTER_CLASS: \d and \w add nothing to [a-zA-Z0-9-_.].
        if (name == null) {
            return false;
        }
        int n = name.length();
        if (n == 0 || n >= MAX_NAME_LENGTH) {
            return false;
        }
        int i = 0;
        while (i < n && isNameChar(name.charAt(i))) {
            i++;
        }
        if (i == 0 || i == n) {
            return i == n;
        }
        if (name.charAt(i) != '!') {
            return false;
        }
        for (i++; i < n; i++) {
            if (!isNameChar(name.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    /**
     * Tells whether {@code name} is a valid group name.
     *
     * @param name a candidate, may be {@code null}
     * @return {@code true} if it matches the group rule and is short enough
     */
    public static boolean isValidGroup(String name) {
        if (name == null) {
            return false;
        }
        int n = name.length();
        if (n == 0 || n >= MAX_NAME_LENGTH) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            if (!isNameChar(name.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    /**
     * Checks a channel name, for use at the top of every layer operation.
     *
     * @param name the channel name
     * @return {@code name}
     * @throws NullPointerException     if {@code name} is {@code null}
     * @throws IllegalArgumentException if it is not a valid channel name; the message quotes it
     */
    public static String requireValidChannel(String name) {
        Objects.requireNonNull(name, "channel must not be null");
        if (!isValidChannel(name)) {
            throw new IllegalArgumentException(describe("channel", name,
                    "must match ^[a-zA-Z\\d\\-_.]+(![\\d\\w\\-_.]*)?$"));
        }
        return name;
    }

    /**
     * Checks a group name, for use at the top of every group operation.
     *
     * @param name the group name
     * @return {@code name}
     * @throws NullPointerException     if {@code name} is {@code null}
     * @throws IllegalArgumentException if it is not a valid group name; the message quotes it
     */
    public static String requireValidGroup(String name) {
        Objects.requireNonNull(name, "group must not be null");
        if (!isValidGroup(name)) {
            throw new IllegalArgumentException(describe("group", name, "must match ^[a-zA-Z\\d\\-_.]+$"));
        }
        return name;
    }

    /**
     * Checks a prefix given to {@link ChannelLayer#newChannel(String)}: it must be a valid
     * channel name without {@code !}.
     *
     * @param prefix the prefix
     * @return {@code prefix}
     * @throws NullPointerException     if {@code prefix} is {@code null}
     * @throws IllegalArgumentException if it is not valid
     */
    public static String requireValidPrefix(String prefix) {
        Objects.requireNonNull(prefix, "prefix must not be null");
        if (prefix.indexOf('!') >= 0 || !isValidChannel(prefix) || prefix.length() > 40) {
            throw new IllegalArgumentException(describe("channel prefix", prefix,
                    "must be at most 40 characters of [a-zA-Z0-9-_.] without '!'"));
        }
        return prefix;
    }

    /**
     * Tells whether a channel name is process-local (contains {@code !}).
     *
     * @param channel a valid channel name
     * @return {@code true} if the name contains {@code !}
     */
    public static boolean isProcessLocal(String channel) {
        return channel.indexOf('!') >= 0;
    }

    /**
     * Returns the part of a channel name that identifies the receiving process: for
     * {@code specific.abc!xyz} that is {@code specific.abc!}; a name without {@code !} is
     * returned whole.
     *
     * @param channel a valid channel name
     * @return the name up to and including {@code !}, or the name itself
     */
    public static String nonLocalPart(String channel) {
        int bang = channel.indexOf('!');
        return bang < 0 ? channel : channel.substring(0, bang + 1);
    }

    private static boolean isNameChar(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || c == '-' || c == '_' || c == '.';
    }

    private static String describe(String what, String name, String rule) {
        String shown = name.length() > 120 ? name.substring(0, 120) + "…" : name;
        if (name.length() >= MAX_NAME_LENGTH) {
            return "invalid " + what + " name '" + shown + "': must be shorter than "
                    + MAX_NAME_LENGTH + " characters, was " + name.length();
        }
        return "invalid " + what + " name '" + shown + "': " + rule;
    }
}
