package dev.mux.examples;

import dev.mux.consumer.ConnectionLimits;
import dev.mux.examples.board.JdbcMessageStore;
import dev.mux.examples.metrics.MetricsServlet;
import dev.mux.examples.metrics.MicrometerListener;
import dev.mux.inmemory.InMemoryChannelLayer;
import dev.mux.layer.ChannelLayer;
import dev.mux.layer.LayerOptions;
import dev.mux.observe.MuxListener;
import dev.mux.redis.RedisChannelLayer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.PrintStream;
import java.net.BindException;
import java.net.URI;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.websocket.jakarta.server.config.JakartaWebSocketServletContainerInitializer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The runnable example server: {@link ExampleApp} on an embedded Jetty 12, with an in-memory or
 * Redis channel layer and an H2 or PostgreSQL database.
 *
 * <pre>{@code
 * try (ExampleServer server = ExampleServer.start(ServerOptions.builder().port(0).build())) {
 *     System.out.println(server.uri());
 * }
 * }</pre>
 *
 * <p>From the command line, {@code java -jar mux-examples.jar --help} lists the options. The
 * process prints one line with the page's URL when it is ready, stops cleanly on SIGTERM or
 * Ctrl-C (sockets closed with 1001 "going away", then the layer and the database), and exits
 * with status 2 for a bad command line and 1 when it cannot start.
 *
 * <p><b>Threading:</b> thread-safe; {@link #close()} may be called from any thread, once or
 * many times.
 */
public final class ExampleServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ExampleServer.class);

    /** How long stopping waits for open requests and sockets to finish. */
    public static final long STOP_TIMEOUT_MILLIS = 5_000;

    /**
     * How long a socket may stay silent before the container closes it: Jetty's default of 30 s
     * would close a reader in a quiet chat room every half minute (and it could miss messages
     * while its page reconnects); a half-open connection still goes away in the end.
     */
    public static final long IDLE_TIMEOUT_MILLIS = 10 * 60_000;

    private final Server jetty;
    private final ExampleApp app;
    private final ChannelLayer layer;
    private final Database database;
    private final URI uri;
    private final String adminToken;
    private final boolean randomToken;
    private final AtomicBoolean closed = new AtomicBoolean();

    private ExampleServer(Server jetty, ExampleApp app, ChannelLayer layer, Database database, URI uri,
                          String adminToken, boolean randomToken) {
        this.jetty = jetty;
        this.app = app;
        this.layer = layer;
        this.database = database;
        this.uri = uri;
        this.adminToken = adminToken;
        this.randomToken = randomToken;
    }

    /**
     * Starts a server.
     *
     * @param options the settings
     * @return the running server
     * @throws StartupException if the port is taken, Redis is unreachable, the data directory is
     *                          not writable, or the database cannot be opened; nothing is left
     *                          running then
     */
    public static ExampleServer start(ServerOptions options) {
        Objects.requireNonNull(options, "options");
        String token = options.adminToken().orElseGet(ExampleServer::randomToken);
        QueuedThreadPool threads = new QueuedThreadPool();
        threads.setName("mux-examples-http");
        Server jetty = new Server(threads);
        jetty.setStopTimeout(STOP_TIMEOUT_MILLIS);
        ServerConnector connector = new ServerConnector(jetty);
        connector.setHost(options.host());
        connector.setPort(options.port());
        jetty.addConnector(connector);
        Database database = null;
        ChannelLayer layer = null;
        ExampleApp app = null;
        try {
            // The port first: a second server started by mistake should hear that the port is
            // taken, not that the database is in use.
            try {
                connector.open();
            } catch (Exception e) {
                throw listenFailure(options, e);
            }
            database = Database.open(options);
            JdbcMessageStore store = new JdbcMessageStore(database.dataSource());
            try {
                store.createSchema();
            } catch (RuntimeException e) {
                throw new StartupException("cannot prepare the " + database.description() + ": " + e.getMessage(), e);
            }
            PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            new JvmMemoryMetrics().bindTo(registry);
            new JvmThreadMetrics().bindTo(registry);
            MicrometerListener listener = new MicrometerListener(registry);
            layer = Layers.open(options, listener);
            Layers.check(layer, options);
            ConnectionLimits limits = ConnectionLimits.builder()
                    .maxInboundFramesPerSecond(options.maxFramesPerSecond())
                    .maxConnectionsPerAddress(options.maxConnectionsPerAddress())
                    .build();
            app = ExampleApp.create(layer, store, token, options.allowedOrigins(), limits, listener);
            ExampleApp installed = app;
            Gauge.builder("mux.connections.open", installed.mux(), mux -> mux.stats().openConnections())
                    .description("WebSocket connections open now").register(registry);

            ServletContextHandler context = new ServletContextHandler(ServletContextHandler.NO_SESSIONS);
            context.setContextPath("/");
            JakartaWebSocketServletContainerInitializer.configure(context, (servletContext, container) -> {
                container.setDefaultMaxSessionIdleTimeout(IDLE_TIMEOUT_MILLIS);
                installed.install(servletContext, container);
                servletContext.addServlet("mux-metrics", new MetricsServlet(registry)).addMapping("/metrics");
            });
            jetty.setHandler(context);
            try {
                jetty.start();
            } catch (Exception e) {
                throw new StartupException("the web server failed to start: " + e, e);
            }
            URI uri = URI.create("http://" + printableHost(options.host()) + ":" + connector.getLocalPort() + "/");
            log.info("mux-examples: serving {} with the {} and the {}", uri, Layers.describe(options),
                    database.description());
            return new ExampleServer(jetty, app, layer, database, uri, token, options.adminToken().isEmpty());
        } catch (RuntimeException e) {
            if (app != null) {
                app.close();
            }
            stopQuietly(jetty);
            // Not stopped by a server that never started.
            connector.close();
            if (layer != null) {
                layer.close();
            }
            if (database != null) {
                database.close();
            }
            throw e;
        }
    }

    /**
     * Returns the URL of the page.
     *
     * @return for example {@code http://127.0.0.1:8080/}
     */
    public URI uri() {
        return uri;
    }

    /**
     * Returns the admin token: the one configured, or the random one made at start.
     *
     * @return the token
     */
    public String adminToken() {
        return adminToken;
    }

    /**
     * Returns the line printed when the server is ready: the page's URL, and, when the admin
     * token was made at random, a link that signs the page in as admin.
     *
     * @return the line
     */
    public String readyLine() {
        String line = "Mux example ready at " + uri;
        return randomToken ? line + " (admin: " + uri + "#admin=" + adminToken + ")" : line;
    }

    /**
     * Stops the server: stops accepting, closes every socket with 1001 (going away), then closes
     * the channel layer and the database. Idempotent.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        log.info("mux-examples: stopping {}", uri);
        // Sockets first (closed with 1001, their groups discarded), then HTTP, then the layer.
        app.close();
        stopQuietly(jetty);
        layer.close();
        database.close();
        log.info("mux-examples: stopped");
    }

    /**
     * Waits until the server has stopped.
     *
     * @throws InterruptedException if the waiting thread is interrupted
     */
    public void join() throws InterruptedException {
        jetty.join();
    }

    /**
     * Runs the server from the command line; see {@link ServerOptions#USAGE}.
     *
     * @param args the command-line arguments
     */
    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        ServerOptions options;
        try {
            options = ServerOptions.parse(List.of(args), System.getenv());
        } catch (ServerOptions.HelpRequested e) {
            out.println(ServerOptions.USAGE);
            return 0;
        } catch (UsageException e) {
            err.println("mux-examples: " + e.getMessage());
            err.println("Run with --help to see the options.");
            return 2;
        }
        // Registered before start, so a SIGTERM during start still stops what was started.
        AtomicReference<ExampleServer> running = new AtomicReference<>();
        AtomicBoolean stopping = new AtomicBoolean();
        Thread hook = new Thread(() -> {
            stopping.set(true);
            ExampleServer server = running.get();
            if (server != null) {
                server.close();
            }
        }, "mux-examples-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        ExampleServer server;
        try {
            server = start(options);
        } catch (StartupException e) {
            err.println("mux-examples: " + e.getMessage());
            return 1;
        }
        running.set(server);
        if (stopping.get()) {
            server.close();
            return 0;
        }
        out.println(server.readyLine());
        out.flush();
        try {
            server.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }

    private static StartupException listenFailure(ServerOptions options, Exception e) {
        Throwable cause = e;
        while (cause != null && !(cause instanceof BindException)) {
            cause = cause.getCause();
        }
        String where = printableHost(options.host()) + ":" + options.port();
        if (cause instanceof BindException bind) {
            String reason = bind.getMessage() == null ? "" : bind.getMessage();
            if (reason.contains("in use")) {
                return new StartupException("port " + options.port() + " on " + options.host()
                        + " is already in use; stop what uses it or choose another with --port", e);
            }
            return new StartupException("cannot listen on " + where + " (" + reason
                    + "); check --host and --port", e);
        }
        if (e instanceof IOException || e.getCause() instanceof IOException) {
            return new StartupException("cannot listen on " + where + ": " + e.getMessage()
                    + "; check --host and --port", e);
        }
        return new StartupException("the web server failed to start: " + e, e);
    }

    private static void stopQuietly(Server jetty) {
        if (jetty == null) {
            return;
        }
        try {
            jetty.stop();
            jetty.join();
        } catch (Exception e) {
            log.warn("mux-examples: the web server did not stop cleanly: {}", e.toString());
        }
    }

    private static String printableHost(String host) {
        if (host.equals("0.0.0.0")) {
            return "127.0.0.1";
        }
        if (host.equals("::") || host.equals("[::]")) {
            return "[::1]";
        }
        return host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
    }

    private static String randomToken() {
        byte[] bytes = new byte[18];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** Opens the channel layer the options name and checks that it works. */
    static final class Layers {
        /** How long start waits for the layer to answer. */
        static final long CHECK_TIMEOUT_SECONDS = 30;

        private Layers() {
        }

        static ChannelLayer open(ServerOptions options, MuxListener listener) {
            if (options.redis().isEmpty()) {
                return new InMemoryChannelLayer(LayerOptions.defaults(), listener);
            }
            try {
                // No connection yet: check() makes the first round trip.
                return RedisChannelLayer.builder().host(options.redis().get().toString())
                        .commandTimeout(Duration.ofMillis(options.redisTimeoutMillis()))
                        .listener(listener).build();
            } catch (IllegalArgumentException e) {
                throw new StartupException("--redis: " + e.getMessage(), e);
            }
        }

        static String describe(ServerOptions options) {
            return options.redis().map(uri -> "Redis channel layer at " + uri.getHost() + ":"
                            + (uri.getPort() == -1 ? 6379 : uri.getPort()))
                    .orElse("in-memory channel layer");
        }

        /**
         * Connects to Redis once by hand (for a plain "connection refused" instead of a command
         * timeout), then makes a harmless round trip through the layer: discarding a fresh
         * channel from a group it never joined.
         */
        static void check(ChannelLayer layer, ServerOptions options) {
            if (options.redis().isPresent()) {
                URI redis = options.redis().get();
                int port = redis.getPort() == -1 ? 6379 : redis.getPort();
                try (java.net.Socket socket = new java.net.Socket()) {
                    socket.connect(new java.net.InetSocketAddress(redis.getHost(), port), 3_000);
                } catch (IOException e) {
                    throw new StartupException("cannot reach Redis at " + redis.getHost() + ":" + port + " ("
                            + (e instanceof java.net.UnknownHostException ? "unknown host"
                                    : e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage())
                            + "); start it or check --redis", e);
                }
            }
            // The first commands also set up the layer's connections, which on a busy machine can
            // take longer than one command timeout: retry until the deadline.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(CHECK_TIMEOUT_SECONDS);
            Throwable last;
            do {
                long left = Math.max(1, deadline - System.nanoTime());
                try {
                    layer.groupDiscard("mux-examples.startup-check", layer.newChannel())
                            .toCompletableFuture().get(left, TimeUnit.NANOSECONDS);
                    return;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new StartupException("interrupted while checking the channel layer", e);
                } catch (java.util.concurrent.ExecutionException e) {
                    last = e.getCause();
                } catch (java.util.concurrent.TimeoutException e) {
                    last = e;
                }
                try {
                    // A pause, so that a Redis answering with an error at once is not hammered.
                    Thread.sleep(250);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new StartupException("interrupted while checking the channel layer", e);
                }
            } while (System.nanoTime() < deadline);
            throw new StartupException("cannot reach the " + describe(options) + ": "
                    + (last instanceof java.util.concurrent.TimeoutException
                            ? "no answer within " + CHECK_TIMEOUT_SECONDS + " s"
                            : last.getMessage())
                    + "; check --redis", last);
        }
    }
}
