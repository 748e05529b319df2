package dev.mux.examples.load;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.regex.Pattern;

/**
 * What one load run does: the chat room's URL, how many clients join it, how many of them send,
 * how many messages at what rate, and the bounds on time.
 *
 * <p>Every client joins the room; the first {@link #senders()} clients also send
 * {@link #messages()} messages each, either paced at {@link #rate()} messages per second per
 * sender or, with rate 0, back to back. Every client (senders too, as in the Channels tutorial)
 * should receive every message, so a run expects {@code clients × senders × messages}
 * deliveries.
 *
 * <p>Runs are bounded: at most {@value #MAX_CLIENTS} clients, {@value #MAX_MESSAGES} messages
 * per sender, {@value #MAX_DELIVERIES} expected deliveries, and {@link #maxDuration()} of wall
 * time. The URL must name a loopback address ({@code 127.0.0.0/8}, {@code [::1]} or
 * {@code localhost}); host names are never resolved, so the tool cannot be pointed elsewhere.
 *
 * <p>Instances are immutable and thread-safe; builders are not thread-safe.
 */
public final class LoadConfig {

    /** Default number of clients in the room. */
    public static final int DEFAULT_CLIENTS = 50;
    /** Default number of sending clients. */
    public static final int DEFAULT_SENDERS = 1;
    /** Default number of measured messages per sender. */
    public static final int DEFAULT_MESSAGES = 1000;
    /** Default rate in messages per second per sender; 0 sends back to back. */
    public static final double DEFAULT_RATE = 0;
    /** Default window: 0, no limit on a sender's messages in flight. */
    public static final int DEFAULT_WINDOW = 0;
    /** Default number of warm-up messages per sender, sent before measuring. */
    public static final int DEFAULT_WARMUP = 0;
    /** Default minimum length of a message text; 0 sends the bare header (about 40 characters). */
    public static final int DEFAULT_SIZE = 0;
    /** Default number of WebSocket handshakes in flight at once. */
    public static final int DEFAULT_CONNECT_CONCURRENCY = 64;
    /** Default time one handshake may take. */
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);
    /** Default time to wait for more deliveries after the last send before counting the rest lost. */
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(5);
    /** Default bound on the whole run, from the first connect to the last delivery. */
    public static final Duration DEFAULT_MAX_DURATION = Duration.ofSeconds(300);
    /** Default ping interval: zero, no pings. */
    public static final Duration DEFAULT_PING_INTERVAL = Duration.ZERO;
    /** Default number of HTTP clients (each with its own I/O thread) the connections are spread over. */
    public static final int DEFAULT_IO_CLIENTS = 2;

    /** Most clients one run may open. */
    public static final int MAX_CLIENTS = 20_000;
    /** Most messages one sender may send in one run (warm-up and measured each). */
    public static final int MAX_MESSAGES = 1_000_000;
    /** Most deliveries one run may expect ({@code clients × senders × messages}); each keeps a latency. */
    public static final long MAX_DELIVERIES = 20_000_000L;
    /** Highest rate per sender, messages per second. */
    public static final double MAX_RATE = 100_000;
    /** Longest message text. */
    public static final int MAX_SIZE = 65_536;
    /** Longest run. */
    public static final Duration MAX_RUN_DURATION = Duration.ofMinutes(30);

    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

    private final URI url;
    private final int clients;
    private final int senders;
    private final int messages;
    private final double rate;
    private final int window;
    private final boolean serial;
    private final int warmup;
    private final int size;
    private final String origin;
    private final int connectConcurrency;
    private final Duration connectTimeout;
    private final Duration idleTimeout;
    private final Duration maxDuration;
    private final int ioClients;
    private final Duration pingInterval;
    private final OptionalLong serverPid;
    private final boolean jvmHeap;
    private final String label;

    private LoadConfig(Builder b) {
        this.url = b.url;
        this.clients = b.clients;
        this.senders = b.senders;
        this.messages = b.messages;
        this.rate = b.rate;
        this.window = b.window;
        this.serial = b.serial;
        this.warmup = b.warmup;
        this.size = b.size;
        this.origin = b.origin != null ? b.origin : defaultOrigin(b.url);
        this.connectConcurrency = b.connectConcurrency;
        this.connectTimeout = b.connectTimeout;
        this.idleTimeout = b.idleTimeout;
        this.maxDuration = b.maxDuration;
        this.ioClients = b.ioClients;
        this.pingInterval = b.pingInterval;
        this.serverPid = b.serverPid;
        this.jvmHeap = b.jvmHeap;
        this.label = b.label != null ? b.label : url.getPath();
    }

    /**
     * Starts a builder for a run against the given chat room.
     *
     * @param url the room's WebSocket URL, e.g. {@code ws://127.0.0.1:8080/ws/chat/bench/}
     * @return a new builder with every default
     */
    public static Builder builder(URI url) {
        return new Builder(url);
    }

    private static String defaultOrigin(URI url) {
        // Same-origin, as a page served by the chat server would send; both Channels'
        // AllowedHostsOriginValidator and Mux's origin check accept it.
        int port = url.getPort();
        return "http://" + url.getHost() + (port == -1 ? "" : ":" + port);
    }

    /**
     * Checks that a WebSocket URL names a loopback address, without resolving any name.
     *
     * @param url the URL to check
     * @return the URL
     * @throws IllegalArgumentException if the scheme is not {@code ws} or the host is not
     *     {@code localhost} or a loopback IP literal
     */
    public static URI requireLoopback(URI url) {
        Objects.requireNonNull(url, "url");
        if (!"ws".equalsIgnoreCase(url.getScheme())) {
            throw new IllegalArgumentException("url must use the ws scheme: " + url);
        }
        String host = url.getHost();
        if (host == null || host.isEmpty()) {
            throw new IllegalArgumentException("url must name a host: " + url);
        }
        if (!isLoopbackHost(host)) {
            throw new IllegalArgumentException(
                    "url must name a loopback address (127.0.0.1, [::1] or localhost), not " + host + ": " + url);
        }
        return url;
    }

    private static boolean isLoopbackHost(String host) {
        if (host.toLowerCase(Locale.ROOT).equals("localhost")) {
            return true;
        }
        boolean ipv6 = host.startsWith("[") && host.endsWith("]");
        if (!ipv6 && !IPV4.matcher(host).matches()) {
            return false; // a name: refused rather than resolved
        }
        try {
            // An IP literal: getByName parses it without any lookup.
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    /**
     * Returns the chat room's WebSocket URL, a loopback address.
     *
     * @return the chat room's WebSocket URL, a loopback address
     */
    public URI url() {
        return url;
    }

    /**
     * Returns the number of clients that join the room.
     *
     * @return the number of clients that join the room
     */
    public int clients() {
        return clients;
    }

    /**
     * Returns how many of the clients send.
     *
     * @return how many of the clients send
     */
    public int senders() {
        return senders;
    }

    /**
     * Returns the number of measured messages per sender.
     *
     * @return measured messages per sender
     */
    public int messages() {
        return messages;
    }

    /**
     * Returns the rate in messages per second per sender; 0 means back to back.
     *
     * @return messages per second per sender; 0 means back to back
     */
    public double rate() {
        return rate;
    }

    /**
     * Returns the most messages a sender has in flight: sent but not yet back at the sender
     * itself (every sender is also a member of the room); 0 means no limit.
     *
     * <p>A window keeps back-to-back sending closed-loop, so the run measures what the server
     * sustains instead of how much it buffers (or, like Mux, refuses: a connection whose
     * unprocessed frames pile up is closed with 1008).
     *
     * @return the window, or 0 for none
     */
    public int window() {
        return window;
    }

    /**
     * Returns whether each sender waits until its previous message reached every connected
     * client (or the idle timeout passed) before sending the next, so that fan-out times are
     * measured without queueing behind earlier messages.
     *
     * @return whether sending is serial
     */
    public boolean serial() {
        return serial;
    }

    /**
     * Returns the number of warm-up messages per sender, sent (at the same rate) before measuring.
     *
     * @return warm-up messages per sender, sent (at the same rate) before measuring
     */
    public int warmup() {
        return warmup;
    }

    /**
     * Returns the minimum length of a message text.
     *
     * @return the minimum length of a message text
     */
    public int size() {
        return size;
    }

    /**
     * Returns the Origin header sent with each handshake.
     *
     * @return the Origin header sent with each handshake
     */
    public String origin() {
        return origin;
    }

    /**
     * Returns the most handshakes in flight at once.
     *
     * @return the most handshakes in flight at once
     */
    public int connectConcurrency() {
        return connectConcurrency;
    }

    /**
     * Returns the time one handshake may take.
     *
     * @return the time one handshake may take
     */
    public Duration connectTimeout() {
        return connectTimeout;
    }

    /**
     * Returns how long to wait for more deliveries after the last send before counting the rest lost.
     *
     * @return how long to wait for more deliveries after the last send before counting the rest lost
     */
    public Duration idleTimeout() {
        return idleTimeout;
    }

    /**
     * Returns the bound on the whole run.
     *
     * @return the bound on the whole run
     */
    public Duration maxDuration() {
        return maxDuration;
    }

    /**
     * Returns how many HTTP clients (each with its own I/O thread) the connections are spread over.
     *
     * @return how many HTTP clients (each with its own I/O thread) the connections are spread over
     */
    public int ioClients() {
        return ioClients;
    }

    /**
     * Returns how often every connection that is not sending pings the server, so that servers
     * with an idle timeout keep long-idle connections open; zero for never.
     *
     * @return the ping interval, or zero
     */
    public Duration pingInterval() {
        return pingInterval;
    }

    /**
     * Returns the server process to measure (RSS, and live heap if {@link #jvmHeap()}), if any.
     *
     * @return the server process to measure (RSS, and live heap if {@link #jvmHeap()}), if any
     */
    public OptionalLong serverPid() {
        return serverPid;
    }

    /**
     * Returns whether to measure the server JVM's live heap with {@code jcmd} before and after connecting.
     *
     * @return whether to measure the server JVM's live heap with {@code jcmd} before and after connecting
     */
    public boolean jvmHeap() {
        return jvmHeap;
    }

    /**
     * Returns the name of the run in reports.
     *
     * @return the name of the run in reports
     */
    public String label() {
        return label;
    }

    /**
     * Returns the number of deliveries the run expects: clients × senders × messages.
     *
     * @return the number of deliveries the run expects: clients × senders × messages
     */
    public long expectedDeliveries() {
        return (long) clients * senders * messages;
    }

    @Override
    public String toString() {
        return "LoadConfig{url=" + url + ", clients=" + clients + ", senders=" + senders
                + ", messages=" + messages + ", rate=" + rate + ", window=" + window + ", serial=" + serial + ", warmup=" + warmup + ", size=" + size
                + ", label=" + label + "}";
    }

    /**
     * Builds a {@link LoadConfig}; {@link #build()} validates every value.
     *
     * <p>Not thread-safe.
     */
    public static final class Builder {
        private final URI url;
        private int clients = DEFAULT_CLIENTS;
        private int senders = DEFAULT_SENDERS;
        private int messages = DEFAULT_MESSAGES;
        private double rate = DEFAULT_RATE;
        private int window = DEFAULT_WINDOW;
        private boolean serial;
        private int warmup = DEFAULT_WARMUP;
        private int size = DEFAULT_SIZE;
        private String origin;
        private int connectConcurrency = DEFAULT_CONNECT_CONCURRENCY;
        private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
        private Duration idleTimeout = DEFAULT_IDLE_TIMEOUT;
        private Duration maxDuration = DEFAULT_MAX_DURATION;
        private int ioClients = DEFAULT_IO_CLIENTS;
        private Duration pingInterval = DEFAULT_PING_INTERVAL;
        private OptionalLong serverPid = OptionalLong.empty();
        private boolean jvmHeap;
        private String label;

        private Builder(URI url) {
            this.url = requireLoopback(url);
        }

        /**
         * Sets the number of clients in the room.
         *
         * @param clients 1 to {@value LoadConfig#MAX_CLIENTS}
         * @return this builder
         */
        public Builder clients(int clients) {
            this.clients = clients;
            return this;
        }

        /**
         * Sets how many of the clients send.
         *
         * @param senders 1 to the number of clients
         * @return this builder
         */
        public Builder senders(int senders) {
            this.senders = senders;
            return this;
        }

        /**
         * Sets the measured messages per sender.
         *
         * @param messages 1 to {@value LoadConfig#MAX_MESSAGES}
         * @return this builder
         */
        public Builder messages(int messages) {
            this.messages = messages;
            return this;
        }

        /**
         * Sets the rate per sender.
         *
         * @param rate messages per second per sender, up to {@value LoadConfig#MAX_RATE}; 0 sends
         *     back to back
         * @return this builder
         */
        public Builder rate(double rate) {
            this.rate = rate;
            return this;
        }

        /**
         * Sets the most messages a sender may have in flight (sent, not yet back at itself).
         *
         * @param window 0 (no limit) to {@value LoadConfig#MAX_MESSAGES}
         * @return this builder
         */
        public Builder window(int window) {
            this.window = window;
            return this;
        }

        /**
         * Makes each sender wait until its previous message reached every connected client.
         *
         * @param serial whether sending is serial
         * @return this builder
         */
        public Builder serial(boolean serial) {
            this.serial = serial;
            return this;
        }

        /**
         * Sets the warm-up messages per sender.
         *
         * @param warmup 0 to {@value LoadConfig#MAX_MESSAGES}
         * @return this builder
         */
        public Builder warmup(int warmup) {
            this.warmup = warmup;
            return this;
        }

        /**
         * Sets the minimum message text length (padding).
         *
         * @param size 0 to {@value LoadConfig#MAX_SIZE}
         * @return this builder
         */
        public Builder size(int size) {
            this.size = size;
            return this;
        }

        /**
         * Sets the Origin header; by default {@code http://<host>:<port>} of the URL.
         *
         * @param origin the header value
         * @return this builder
         */
        public Builder origin(String origin) {
            this.origin = Objects.requireNonNull(origin, "origin");
            return this;
        }

        /**
         * Sets the most handshakes in flight at once.
         *
         * @param connectConcurrency at least 1
         * @return this builder
         */
        public Builder connectConcurrency(int connectConcurrency) {
            this.connectConcurrency = connectConcurrency;
            return this;
        }

        /**
         * Sets the time one handshake may take.
         *
         * @param connectTimeout positive
         * @return this builder
         */
        public Builder connectTimeout(Duration connectTimeout) {
            this.connectTimeout = Objects.requireNonNull(connectTimeout, "connectTimeout");
            return this;
        }

        /**
         * Sets how long to wait for more deliveries after the last send.
         *
         * @param idleTimeout positive
         * @return this builder
         */
        public Builder idleTimeout(Duration idleTimeout) {
            this.idleTimeout = Objects.requireNonNull(idleTimeout, "idleTimeout");
            return this;
        }

        /**
         * Sets the bound on the whole run.
         *
         * @param maxDuration positive, at most {@link LoadConfig#MAX_RUN_DURATION}
         * @return this builder
         */
        public Builder maxDuration(Duration maxDuration) {
            this.maxDuration = Objects.requireNonNull(maxDuration, "maxDuration");
            return this;
        }

        /**
         * Sets how many HTTP clients the connections are spread over.
         *
         * @param ioClients 1 to 64
         * @return this builder
         */
        public Builder ioClients(int ioClients) {
            this.ioClients = ioClients;
            return this;
        }

        /**
         * Sets how often idle connections ping the server; zero for never.
         *
         * @param pingInterval zero, or positive and at most one hour
         * @return this builder
         */
        public Builder pingInterval(Duration pingInterval) {
            this.pingInterval = Objects.requireNonNull(pingInterval, "pingInterval");
            return this;
        }

        /**
         * Sets the server process to measure.
         *
         * @param pid a live local process id
         * @return this builder
         */
        public Builder serverPid(long pid) {
            this.serverPid = OptionalLong.of(pid);
            return this;
        }

        /**
         * Measures the server JVM's live heap (after a full GC, with {@code jcmd}) before and
         * after connecting; needs {@link #serverPid(long)}.
         *
         * @param jvmHeap whether to measure
         * @return this builder
         */
        public Builder jvmHeap(boolean jvmHeap) {
            this.jvmHeap = jvmHeap;
            return this;
        }

        /**
         * Sets the name of the run in reports; by default the URL's path.
         *
         * @param label a short name
         * @return this builder
         */
        public Builder label(String label) {
            this.label = Objects.requireNonNull(label, "label");
            return this;
        }

        /**
         * Validates and builds the configuration.
         *
         * @return the configuration
         * @throws IllegalArgumentException naming the first invalid value
         */
        public LoadConfig build() {
            requireRange("clients", clients, 1, MAX_CLIENTS);
            requireRange("senders", senders, 1, clients);
            requireRange("messages", messages, 1, MAX_MESSAGES);
            requireRange("warmup", warmup, 0, MAX_MESSAGES);
            requireRange("window", window, 0, MAX_MESSAGES);
            requireRange("size", size, 0, MAX_SIZE);
            requireRange("connectConcurrency", connectConcurrency, 1, MAX_CLIENTS);
            requireRange("ioClients", ioClients, 1, 64);
            if (!(rate >= 0 && rate <= MAX_RATE)) { // also refuses NaN
                throw new IllegalArgumentException("rate must be in [0, " + MAX_RATE + "] (0 = back to back): " + rate);
            }
            long deliveries = (long) clients * senders * Math.max(messages, warmup);
            if (deliveries > MAX_DELIVERIES) {
                throw new IllegalArgumentException("clients x senders x messages must be <= " + MAX_DELIVERIES
                        + ": " + clients + " x " + senders + " x " + Math.max(messages, warmup) + " = " + deliveries);
            }
            requirePositive("connectTimeout", connectTimeout);
            requirePositive("idleTimeout", idleTimeout);
            requirePositive("maxDuration", maxDuration);
            if (maxDuration.compareTo(MAX_RUN_DURATION) > 0) {
                throw new IllegalArgumentException("maxDuration must be <= " + MAX_RUN_DURATION + ": " + maxDuration);
            }
            if (pingInterval.isNegative() || pingInterval.compareTo(Duration.ofHours(1)) > 0) {
                throw new IllegalArgumentException("pingInterval must be in [0, PT1H]: " + pingInterval);
            }
            if (jvmHeap && serverPid.isEmpty()) {
                throw new IllegalArgumentException("jvmHeap needs serverPid (the server process to measure)");
            }
            if (serverPid.isPresent() && serverPid.getAsLong() <= 0) {
                throw new IllegalArgumentException("serverPid must be > 0: " + serverPid.getAsLong());
            }
            if (origin != null && origin.isBlank()) {
                throw new IllegalArgumentException("origin must not be blank");
            }
            return new LoadConfig(this);
        }

        private static void requireRange(String name, long value, long min, long max) {
            if (value < min || value > max) {
                throw new IllegalArgumentException(name + " must be in [" + min + ", " + max + "]: " + value);
            }
        }

        private static void requirePositive(String name, Duration d) {
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(name + " must be positive: " + d);
            }
        }
    }
}
