package dev.mux.examples;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The settings of the example server: where it listens, which channel layer and database it
 * uses, which browser origins may open sockets, and the admin token.
 *
 * <p>Built with {@link #builder()} or parsed from a command line with
 * {@link #parse(List, Map)}; every value is validated when it is set, so an instance is always
 * usable.
 *
 * <pre>{@code
 * ServerOptions options = ServerOptions.builder()
 *     .port(9000)
 *     .redis(URI.create("redis://127.0.0.1:6379"))
 *     .build();
 * }</pre>
 *
 * <p><b>Threading:</b> immutable and thread-safe; the builder is not thread-safe.
 */
public final class ServerOptions {

    /** The address listened on unless {@code --host} says otherwise: loopback only. */
    public static final String DEFAULT_HOST = "127.0.0.1";

    /** The port listened on unless {@code --port} says otherwise. */
    public static final int DEFAULT_PORT = 8080;

    /** The directory of the embedded database unless {@code --data-dir} says otherwise. */
    public static final Path DEFAULT_DATA_DIR = Path.of("data");

    /** The shortest admin token accepted, so that a guessable one is refused. */
    public static final int MIN_ADMIN_TOKEN_LENGTH = 8;

    /** How long a Redis operation may take unless {@code --redis-timeout} says otherwise. */
    public static final long DEFAULT_REDIS_TIMEOUT_MILLIS = 5_000;

    /** The usage text printed by {@code --help}. */
    public static final String USAGE = String.join(System.lineSeparator(),
            "Usage: java -jar mux-examples.jar [options]",
            "",
            "Runs the Mux example: a chat and a live message board at http://HOST:PORT/.",
            "",
            "Options (each may also be set by the environment variable in brackets):",
            "  --host HOST              address to listen on (default " + DEFAULT_HOST + ") [MUX_HOST]",
            "  --port PORT              port to listen on, 0 for any free one (default " + DEFAULT_PORT + ") [MUX_PORT]",
            "  --redis redis://H:P[/DB] use a Redis channel layer, so several servers share groups [MUX_REDIS]",
            "                           (default: an in-memory layer for this process only)",
            "  --data-dir DIR           directory of the embedded H2 database (default ./data) [MUX_DATA_DIR]",
            "  --jdbc-url URL           store messages in this database instead, e.g.",
            "                           jdbc:postgresql://127.0.0.1:5432/mux?user=mux [MUX_JDBC_URL]",
            "  --allowed-origin ORIGIN  a browser origin allowed to open sockets besides this server's",
            "                           own, e.g. https://example.com; repeatable [MUX_ALLOWED_ORIGINS, comma-separated]",
            "  --admin-token TOKEN      token that allows editing and deleting board messages",
            "                           (default: a random one, printed at start) [MUX_ADMIN_TOKEN]",
            "  --redis-timeout MILLIS   how long a Redis operation may take before it fails (default "
                    + DEFAULT_REDIS_TIMEOUT_MILLIS + ")",
            "  --max-frames-per-second N  close a client sending more than N frames/s with 1008 (default 0: no limit)",
            "  --max-connections-per-address N  refuse more than N sockets per client address with 429",
            "                           (default 0: no cap)",
            "  --help                   print this text");

    private static final Pattern ORIGIN = Pattern.compile("^https?://[^/?#\\s]+$");

    private final String host;
    private final int port;
    private final URI redis;
    private final Path dataDir;
    private final String jdbcUrl;
    private final List<String> allowedOrigins;
    private final String adminToken;
    private final long redisTimeoutMillis;
    private final int maxFramesPerSecond;
    private final int maxConnectionsPerAddress;

    private ServerOptions(Builder builder) {
        this.host = builder.host;
        this.port = builder.port;
        this.redis = builder.redis;
        this.dataDir = builder.dataDir;
        this.jdbcUrl = builder.jdbcUrl;
        this.allowedOrigins = List.copyOf(builder.allowedOrigins);
        this.adminToken = builder.adminToken;
        this.redisTimeoutMillis = builder.redisTimeoutMillis;
        this.maxFramesPerSecond = builder.maxFramesPerSecond;
        this.maxConnectionsPerAddress = builder.maxConnectionsPerAddress;
    }

    /**
     * Starts a builder with every default.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Parses a command line, with environment variables as fallbacks for options the command
     * line does not give.
     *
     * <p>Options are {@code --name value} or {@code --name=value}. The environment variables are
     * {@code MUX_HOST}, {@code MUX_PORT}, {@code MUX_REDIS}, {@code MUX_DATA_DIR},
     * {@code MUX_JDBC_URL}, {@code MUX_ALLOWED_ORIGINS} (comma-separated) and
     * {@code MUX_ADMIN_TOKEN}; an empty variable counts as unset.
     *
     * @param args the command-line arguments
     * @param env  the environment, usually {@link System#getenv()}
     * @return the options
     * @throws UsageException if an option is unknown, lacks its value, or has an invalid value;
     *                        the message names the option (or variable) and the value
     */
    public static ServerOptions parse(List<String> args, Map<String, String> env) {
        Objects.requireNonNull(args, "args");
        Objects.requireNonNull(env, "env");
        Builder builder = builder();
        boolean dataDirSet = false;
        boolean jdbcUrlSet = false;

        String envHost = nonEmpty(env.get("MUX_HOST"));
        if (envHost != null) {
            builder.host(envHost, "MUX_HOST");
        }
        String envPort = nonEmpty(env.get("MUX_PORT"));
        if (envPort != null) {
            builder.port(parsePort(envPort, "MUX_PORT"));
        }
        String envRedis = nonEmpty(env.get("MUX_REDIS"));
        if (envRedis != null) {
            builder.redis(parseRedis(envRedis, "MUX_REDIS"));
        }
        String envDataDir = nonEmpty(env.get("MUX_DATA_DIR"));
        String envJdbcUrl = nonEmpty(env.get("MUX_JDBC_URL"));
        String envOrigins = nonEmpty(env.get("MUX_ALLOWED_ORIGINS"));
        List<String> envOriginList = new ArrayList<>();
        if (envOrigins != null) {
            for (String origin : envOrigins.split(",")) {
                if (!origin.isBlank()) {
                    envOriginList.add(checkOrigin(origin.trim(), "MUX_ALLOWED_ORIGINS"));
                }
            }
        }
        String envToken = nonEmpty(env.get("MUX_ADMIN_TOKEN"));
        if (envToken != null) {
            builder.adminToken(checkToken(envToken, "MUX_ADMIN_TOKEN"));
        }

        List<String> origins = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            String name = arg;
            String value = null;
            int eq = arg.indexOf('=');
            if (arg.startsWith("--") && eq > 0) {
                name = arg.substring(0, eq);
                value = arg.substring(eq + 1);
            }
            switch (name) {
                case "--help", "-h" -> throw new HelpRequested();
                case "--host", "--port", "--redis", "--data-dir", "--jdbc-url",
                     "--allowed-origin", "--admin-token", "--redis-timeout", "--max-frames-per-second",
                     "--max-connections-per-address" -> {
                    if (value == null) {
                        if (i + 1 >= args.size() || args.get(i + 1).startsWith("--")) {
                            throw new UsageException(name + " needs a value");
                        }
                        value = args.get(++i);
                    }
                    switch (name) {
                        case "--host" -> builder.host(value, name);
                        case "--port" -> builder.port(parsePort(value, name));
                        case "--redis" -> builder.redis(parseRedis(value, name));
                        case "--data-dir" -> {
                            builder.dataDir(parsePath(value, name));
                            dataDirSet = true;
                        }
                        case "--jdbc-url" -> {
                            builder.jdbcUrl(checkJdbcUrl(value, name));
                            jdbcUrlSet = true;
                        }
                        case "--allowed-origin" -> origins.add(checkOrigin(value, name));
                        case "--admin-token" -> builder.adminToken(checkToken(value, name));
                        case "--redis-timeout" -> builder.redisTimeoutMillis(parseCount(value, name, 1));
                        case "--max-frames-per-second" -> builder.maxFramesPerSecond((int) parseCount(value, name, 0));
                        case "--max-connections-per-address" ->
                                builder.maxConnectionsPerAddress((int) parseCount(value, name, 0));
                        default -> throw new AssertionError(name);
                    }
                }
                default -> throw new UsageException(arg.startsWith("-")
                        ? "unknown option '" + arg + "'"
                        : "unexpected argument '" + arg + "' (options start with --)");
            }
        }

        // The command line wins over the environment, option by option.
        if (!dataDirSet && !jdbcUrlSet) {
            if (envDataDir != null && envJdbcUrl != null) {
                throw new UsageException("MUX_DATA_DIR and MUX_JDBC_URL cannot both be set:"
                        + " the messages are stored in one database");
            }
            if (envDataDir != null) {
                builder.dataDir(parsePath(envDataDir, "MUX_DATA_DIR"));
                dataDirSet = true;
            }
            if (envJdbcUrl != null) {
                builder.jdbcUrl(checkJdbcUrl(envJdbcUrl, "MUX_JDBC_URL"));
                jdbcUrlSet = true;
            }
        }
        if (dataDirSet && jdbcUrlSet) {
            throw new UsageException("--data-dir and --jdbc-url cannot be combined:"
                    + " the messages are stored in one database");
        }
        builder.allowedOrigins(origins.isEmpty() ? envOriginList : origins);
        return builder.build();
    }

    /**
     * Returns the address the server listens on.
     *
     * @return a host name or IP address; {@value #DEFAULT_HOST} by default
     */
    public String host() {
        return host;
    }

    /**
     * Returns the port the server listens on.
     *
     * @return 0 to 65535, where 0 picks any free port; {@value #DEFAULT_PORT} by default
     */
    public int port() {
        return port;
    }

    /**
     * Returns the Redis server of the channel layer, if one is used.
     *
     * @return a {@code redis://} or {@code rediss://} URI, or empty for the in-memory layer
     */
    public Optional<URI> redis() {
        return Optional.ofNullable(redis);
    }

    /**
     * Returns the directory of the embedded database; unused when {@link #jdbcUrl()} is set.
     *
     * @return the directory; {@link #DEFAULT_DATA_DIR} by default
     */
    public Path dataDir() {
        return dataDir;
    }

    /**
     * Returns the JDBC URL of an external database, if one is used instead of the embedded one.
     *
     * @return the URL, or empty for an H2 database under {@link #dataDir()}
     */
    public Optional<String> jdbcUrl() {
        return Optional.ofNullable(jdbcUrl);
    }

    /**
     * Returns the browser origins allowed to open sockets besides the server's own.
     *
     * @return an immutable list of origins such as {@code https://example.com}; empty by default
     */
    public List<String> allowedOrigins() {
        return allowedOrigins;
    }

    /**
     * Returns the admin token, if one was set.
     *
     * @return the token, or empty to have the server make a random one
     */
    public Optional<String> adminToken() {
        return Optional.ofNullable(adminToken);
    }

    /**
     * Returns how long a Redis operation may take before it fails.
     *
     * @return milliseconds, at least 1; {@value #DEFAULT_REDIS_TIMEOUT_MILLIS} by default
     */
    public long redisTimeoutMillis() {
        return redisTimeoutMillis;
    }

    /**
     * Returns the inbound rate a client may send at before it is closed with 1008.
     *
     * @return frames per second, or 0 for no limit (the default)
     */
    public int maxFramesPerSecond() {
        return maxFramesPerSecond;
    }

    /**
     * Returns how many sockets one client address may hold.
     *
     * @return sockets, or 0 for no cap (the default)
     */
    public int maxConnectionsPerAddress() {
        return maxConnectionsPerAddress;
    }

    @Override
    public String toString() {
        // The token is a secret: never printed.
        return "ServerOptions[host=" + host + ", port=" + port + ", redis=" + redis
                + ", dataDir=" + dataDir + ", jdbcUrl=" + (jdbcUrl == null ? null : "<set>")
                + ", allowedOrigins=" + allowedOrigins + ", adminToken="
                + (adminToken == null ? "<random>" : "<set>") + ", redisTimeoutMillis=" + redisTimeoutMillis
                + ", maxFramesPerSecond=" + maxFramesPerSecond + ", maxConnectionsPerAddress="
                + maxConnectionsPerAddress + "]";
    }

    private static String nonEmpty(String value) {
        return value == null || value.isEmpty() ? null : value;
    }

    private static int parsePort(String value, String source) {
        try {
            int port = Integer.parseInt(value.trim());
            if (port >= 0 && port <= 65535) {
                return port;
            }
        } catch (NumberFormatException ignored) {
            // Reported below with the value.
        }
        throw new UsageException(source + " must be a port number from 0 to 65535, was '" + value + "'");
    }

    private static long parseCount(String value, String source, long min) {
        try {
            long n = Long.parseLong(value.trim());
            if (n >= min && n <= Integer.MAX_VALUE) {
                return n;
            }
        } catch (NumberFormatException ignored) {
            // Reported below with the value.
        }
        throw new UsageException(source + " must be a whole number from " + min + " to " + Integer.MAX_VALUE
                + ", was '" + value + "'");
    }

    private static URI parseRedis(String value, String source) {
        URI uri;
        try {
            uri = new URI(value.trim());
        } catch (URISyntaxException e) {
            throw new UsageException(source + " must be a URI like redis://127.0.0.1:6379, was '"
                    + value + "'");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("redis") && !scheme.equals("rediss")) {
            throw new UsageException(source + " must start with redis:// or rediss://, was '" + value + "'");
        }
        if (uri.getHost() == null) {
            throw new UsageException(source + " must name a host, like redis://127.0.0.1:6379, was '"
                    + value + "'");
        }
        return uri;
    }

    private static Path parsePath(String value, String source) {
        if (value.isBlank()) {
            throw new UsageException(source + " must be a directory, was empty");
        }
        try {
            return Path.of(value);
        } catch (InvalidPathException e) {
            throw new UsageException(source + " must be a directory, was '" + value + "': " + e.getReason());
        }
    }

    private static String checkJdbcUrl(String value, String source) {
        if (!value.startsWith("jdbc:") || value.length() <= "jdbc:".length()) {
            throw new UsageException(source + " must be a JDBC URL starting with jdbc:, was '" + value + "'");
        }
        return value;
    }

    private static String checkOrigin(String value, String source) {
        if (!ORIGIN.matcher(value).matches()) {
            throw new UsageException(source + " must be an origin like https://example.com or"
                    + " http://localhost:3000 (scheme, host and optional port; no path), was '" + value + "'");
        }
        return value.toLowerCase(Locale.ROOT);
    }

    private static String checkToken(String value, String source) {
        if (value.length() < MIN_ADMIN_TOKEN_LENGTH || value.chars().anyMatch(c -> c <= ' ' || c == 127)) {
            throw new UsageException(source + " must be at least " + MIN_ADMIN_TOKEN_LENGTH
                    + " characters without spaces or control characters, was "
                    + value.length() + " characters long");
        }
        return value;
    }

    /** Thrown by {@link #parse} when the command line asks for the usage text. */
    static final class HelpRequested extends UsageException {
        private static final long serialVersionUID = 1L;

        HelpRequested() {
            super("help requested");
        }
    }

    /**
     * Builds {@link ServerOptions}, validating each value as it is set.
     *
     * <p><b>Threading:</b> not thread-safe; use from one thread.
     */
    public static final class Builder {
        private String host = DEFAULT_HOST;
        private int port = DEFAULT_PORT;
        private URI redis;
        private Path dataDir = DEFAULT_DATA_DIR;
        private String jdbcUrl;
        private List<String> allowedOrigins = List.of();
        private String adminToken;
        private long redisTimeoutMillis = DEFAULT_REDIS_TIMEOUT_MILLIS;
        private int maxFramesPerSecond;
        private int maxConnectionsPerAddress;

        private Builder() {
        }

        /**
         * Sets how long a Redis operation may take before it fails.
         *
         * @param millis at least 1
         * @return this builder
         * @throws IllegalArgumentException if less than 1
         */
        public Builder redisTimeoutMillis(long millis) {
            this.redisTimeoutMillis = parseCount(Long.toString(millis), "redisTimeoutMillis", 1);
            return this;
        }

        /**
         * Sets the inbound rate limit per client.
         *
         * @param framesPerSecond at least 0; 0 for no limit
         * @return this builder
         * @throws IllegalArgumentException if negative
         */
        public Builder maxFramesPerSecond(int framesPerSecond) {
            this.maxFramesPerSecond = (int) parseCount(Integer.toString(framesPerSecond), "maxFramesPerSecond", 0);
            return this;
        }

        /**
         * Sets the cap on sockets per client address.
         *
         * @param connections at least 0; 0 for no cap
         * @return this builder
         * @throws IllegalArgumentException if negative
         */
        public Builder maxConnectionsPerAddress(int connections) {
            this.maxConnectionsPerAddress = (int) parseCount(Integer.toString(connections),
                    "maxConnectionsPerAddress", 0);
            return this;
        }

        /**
         * Sets the address to listen on.
         *
         * @param host a host name or IP address, not blank
         * @return this builder
         * @throws IllegalArgumentException if {@code host} is blank
         */
        public Builder host(String host) {
            return host(host, "host");
        }

        private Builder host(String host, String source) {
            Objects.requireNonNull(host, "host");
            if (host.isBlank() || host.chars().anyMatch(Character::isWhitespace)) {
                throw new UsageException(source + " must be a host name or address, was '" + host + "'");
            }
            this.host = host;
            return this;
        }

        /**
         * Sets the port to listen on.
         *
         * @param port 0 to 65535; 0 picks any free port
         * @return this builder
         * @throws IllegalArgumentException if {@code port} is out of range
         */
        public Builder port(int port) {
            if (port < 0 || port > 65535) {
                throw new UsageException("port must be from 0 to 65535, was " + port);
            }
            this.port = port;
            return this;
        }

        /**
         * Uses a Redis channel layer on this server instead of the in-memory layer.
         *
         * @param redis a {@code redis://} or {@code rediss://} URI, or {@code null} for the
         *              in-memory layer
         * @return this builder
         * @throws IllegalArgumentException if the URI is not a Redis URI with a host
         */
        public Builder redis(URI redis) {
            this.redis = redis == null ? null : parseRedis(redis.toString(), "redis");
            return this;
        }

        /**
         * Sets the directory of the embedded database.
         *
         * @param dataDir a directory, created at start if missing
         * @return this builder
         */
        public Builder dataDir(Path dataDir) {
            this.dataDir = Objects.requireNonNull(dataDir, "dataDir");
            return this;
        }

        /**
         * Stores messages in an external database instead of the embedded one.
         *
         * @param jdbcUrl a JDBC URL, or {@code null} for the embedded database
         * @return this builder
         * @throws IllegalArgumentException if the URL does not start with {@code jdbc:}
         */
        public Builder jdbcUrl(String jdbcUrl) {
            this.jdbcUrl = jdbcUrl == null ? null : checkJdbcUrl(jdbcUrl, "jdbcUrl");
            return this;
        }

        /**
         * Sets the browser origins allowed to open sockets besides the server's own.
         *
         * @param origins origins such as {@code https://example.com}
         * @return this builder
         * @throws IllegalArgumentException if an origin has a path or no scheme
         */
        public Builder allowedOrigins(List<String> origins) {
            List<String> checked = new ArrayList<>();
            for (String origin : Objects.requireNonNull(origins, "origins")) {
                checked.add(checkOrigin(Objects.requireNonNull(origin, "origin"), "allowedOrigins"));
            }
            this.allowedOrigins = List.copyOf(checked);
            return this;
        }

        /**
         * Sets the token that allows editing and deleting board messages.
         *
         * @param adminToken at least {@value #MIN_ADMIN_TOKEN_LENGTH} characters without
         *                   spaces, or {@code null} for a random one
         * @return this builder
         * @throws IllegalArgumentException if the token is too short or has spaces
         */
        public Builder adminToken(String adminToken) {
            this.adminToken = adminToken == null ? null : checkToken(adminToken, "adminToken");
            return this;
        }

        /**
         * Builds the options.
         *
         * @return the options
         */
        public ServerOptions build() {
            return new ServerOptions(this);
        }
    }
}
