package dev.mux.redis;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * The address of one Redis shard: either a server URI, or a Sentinel master name with the
 * Sentinels that know it.
 *
 * <p>A server URI is {@code redis://[[user]:password@]host[:port][/db]} or, for TLS,
 * {@code rediss://…}; the port defaults to 6379 and the database to 0. A Sentinel is given as
 * {@code redis-sentinel://[[user]:password@]host[:port][/db]} (or {@code rediss-sentinel://}),
 * port 26379 by default; the password and database of the first Sentinel URI apply to the
 * master, as channels_redis applies its connection keyword arguments to the master.
 *
 * <pre>{@code
 * RedisEndpoint plain = RedisEndpoint.host("redis://:s3cret@10.0.0.5:6379/2");
 * RedisEndpoint ha = RedisEndpoint.sentinel("mymaster",
 *         List.of("redis-sentinel://10.0.0.7:26379", "redis-sentinel://10.0.0.8:26379"));
 * }</pre>
 *
 * <p>{@link #toString()} never shows a password. Instances are immutable and thread-safe.
 */
public final class RedisEndpoint {

    /** The port of a Redis server when a URI names none. */
    public static final int DEFAULT_PORT = 6379;
    /** The port of a Sentinel when a URI names none. */
    public static final int DEFAULT_SENTINEL_PORT = 26379;

    private final String uri;
    private final String masterName;
    private final List<String> sentinels;
    private final String display;

    private RedisEndpoint(String uri, String masterName, List<String> sentinels, String display) {
        this.uri = uri;
        this.masterName = masterName;
        this.sentinels = sentinels;
        this.display = display;
    }

    /**
     * Creates the endpoint of one Redis server.
     *
     * @param uri {@code redis://…} or {@code rediss://…}
     * @return the endpoint
     * @throws NullPointerException     if {@code uri} is {@code null}
     * @throws IllegalArgumentException if the URI is malformed, has another scheme, or names
     *                                  an invalid port or database
     */
    public static RedisEndpoint host(String uri) {
        Objects.requireNonNull(uri, "uri must not be null");
        URI parsed = parse(uri, "host uri", List.of("redis", "rediss"));
        return new RedisEndpoint(uri, null, List.of(), redact(parsed, DEFAULT_PORT));
    }

    /**
     * Creates the endpoint of a master found through Redis Sentinel.
     *
     * @param masterName the name the Sentinels monitor the master under
     * @param sentinels  one or more {@code redis-sentinel://host[:port]} URIs
     * @return the endpoint
     * @throws NullPointerException     if an argument or element is {@code null}
     * @throws IllegalArgumentException if the name is blank, the list is empty, or a URI is
     *                                  malformed or has another scheme
     */
    public static RedisEndpoint sentinel(String masterName, List<String> sentinels) {
        Objects.requireNonNull(masterName, "masterName must not be null");
        Objects.requireNonNull(sentinels, "sentinels must not be null");
        if (masterName.isBlank()) {
            throw new IllegalArgumentException("masterName must not be blank, was '" + masterName + "'");
        }
        List<String> copy = List.copyOf(sentinels);
        if (copy.isEmpty()) {
            throw new IllegalArgumentException("sentinels must name at least one Sentinel, was empty");
        }
        StringBuilder display = new StringBuilder();
        for (String sentinel : copy) {
            URI parsed = parse(sentinel, "sentinel uri", List.of("redis-sentinel", "rediss-sentinel"));
            display.append(display.length() == 0 ? "" : ",").append(redact(parsed, DEFAULT_SENTINEL_PORT));
        }
        return new RedisEndpoint(null, masterName, copy, display + "#" + masterName);
    }

    /**
     * Tells whether this endpoint is found through Sentinel.
     *
     * @return {@code true} for {@link #sentinel}, {@code false} for {@link #host}
     */
    public boolean isSentinel() {
        return masterName != null;
    }

    /**
     * Returns the server URI as given, password included.
     *
     * @return the URI, or {@code null} for a Sentinel endpoint
     */
    public String uri() {
        return uri;
    }

    /**
     * Returns the Sentinel master name.
     *
     * @return the name, or {@code null} for a server endpoint
     */
    public String masterName() {
        return masterName;
    }

    /**
     * Returns the Sentinel URIs as given.
     *
     * @return an unmodifiable list, empty for a server endpoint
     */
    public List<String> sentinels() {
        return sentinels;
    }

    @Override
    public boolean equals(Object o) {
        return o == this || (o instanceof RedisEndpoint other && Objects.equals(uri, other.uri)
                && Objects.equals(masterName, other.masterName) && sentinels.equals(other.sentinels));
    }

    @Override
    public int hashCode() {
        return Objects.hash(uri, masterName, sentinels);
    }

    /**
     * Returns the address without any password, e.g. {@code redis://10.0.0.5:6379/2}, for
     * logs and error messages.
     */
    @Override
    public String toString() {
        return display;
    }

    private static URI parse(String text, String what, List<String> schemes) {
        URI parsed;
        try {
            parsed = new URI(text);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(what + " is malformed: " + e.getMessage(), e);
        }
        String scheme = parsed.getScheme() == null ? null : parsed.getScheme().toLowerCase(Locale.ROOT);
        if (scheme == null || !schemes.contains(scheme)) {
            throw new IllegalArgumentException(what + " must use one of the schemes " + schemes + ", was '"
                    + redactQuietly(text) + "'");
        }
        if (parsed.getHost() == null || parsed.getHost().isEmpty()) {
            throw new IllegalArgumentException(what + " must name a host, was '" + redactQuietly(text) + "'");
        }
        if (parsed.getPort() == 0 || parsed.getPort() > 65535) {
            throw new IllegalArgumentException(what + " has an invalid port " + parsed.getPort());
        }
        String path = parsed.getPath();
        if (path != null && !path.isEmpty() && !path.equals("/")) {
            String db = path.substring(1);
            if (!db.chars().allMatch(Character::isDigit) || db.length() > 5) {
                throw new IllegalArgumentException(what + " path must be a database number, was '" + path + "'");
            }
        }
        return parsed;
    }

    private static String redact(URI uri, int defaultPort) {
        int port = uri.getPort() < 0 ? defaultPort : uri.getPort();
        String path = uri.getPath() == null || uri.getPath().equals("/") ? "" : uri.getPath();
        return uri.getScheme().toLowerCase(Locale.ROOT) + "://" + uri.getHost() + ":" + port + path;
    }

    private static String redactQuietly(String text) {
        int at = text.lastIndexOf('@');
        int scheme = text.indexOf("://");
        return at > scheme && scheme >= 0 ? text.substring(0, scheme + 3) + "***@" + text.substring(at + 1) : text;
    }
}
