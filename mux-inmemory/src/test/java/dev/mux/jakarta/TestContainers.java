package dev.mux.jakarta;

import jakarta.websocket.DeploymentException;
import jakarta.websocket.server.ServerEndpointConfig;
import java.lang.reflect.Constructor;
import java.net.URI;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.eclipse.jetty.ee10.servlet.ServletContainerInitializerHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.websocket.jakarta.server.config.JakartaWebSocketServletContainerInitializer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.glassfish.grizzly.http.server.AddOn;
import org.glassfish.grizzly.http.server.HttpServer;
import org.glassfish.grizzly.http.server.NetworkListener;
import org.glassfish.grizzly.strategies.WorkerThreadIOStrategy;
import org.glassfish.tyrus.client.ClientManager;
import org.glassfish.tyrus.container.grizzly.server.WebSocketAddOn;
import org.glassfish.tyrus.core.BaseContainer;
import org.glassfish.tyrus.core.TyrusWebSocketEngine;
import org.glassfish.tyrus.server.TyrusServerContainer;
import org.glassfish.tyrus.spi.ServerContainer;
import org.glassfish.tyrus.spi.WebSocketEngine;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Real Jakarta WebSocket containers for tests — Jetty 12 (ee10) and Tyrus over Grizzly — each
 * serving an application under {@value #CONTEXT} on a free port of 127.0.0.1 only, and the real
 * client that talks to them.
 *
 * <p>Each container can be deployed two ways: programmatically, registering a {@link Mux}'s
 * {@link Mux#endpointConfigs()} with {@code addEndpoint}, or as a WAR is, handing the container
 * a {@link MuxApplicationConfig} class ({@link WarApplication}) the way its scan would.
 *
 * <pre>{@code
 * @RegisterExtension
 * static final TestContainers.Client CLIENT = new TestContainers.Client();
 *
 * try (TestContainers.Running server = TestContainers.jetty(mux)) {
 *     TestClient c = TestClient.connect(CLIENT.newClient(), server.uri("/ws/echo/"));
 *     ...
 * }
 * }</pre>
 *
 * <p>Not thread-safe: one test thread starts and stops a container.
 */
public final class TestContainers {

    /** The context path every container serves its application under. */
    public static final String CONTEXT = "/app";

    private static final String LOOPBACK = "127.0.0.1";

    private TestContainers() {
    }

    /** Stops what a container started. */
    @FunctionalInterface
    private interface Stop {
        void stop() throws Exception;
    }

    /** A started container; closing it stops the container, not the {@link Mux} it serves. */
    public static final class Running implements AutoCloseable {
        private final int port;
        private final Stop stop;

        private Running(int port, Stop stop) {
            this.port = port;
            this.stop = stop;
        }

        /**
         * Returns the port the container listens on, on 127.0.0.1.
         *
         * @return the port
         */
        public int port() {
            return port;
        }

        /**
         * Returns the WebSocket URI of a path of the application.
         *
         * @param path the path relative to the application, such as {@code /ws/echo/}
         * @return {@code ws://127.0.0.1:<port>/app<path>}
         */
        public URI uri(String path) {
            return URI.create("ws://" + LOOPBACK + ":" + port + CONTEXT + path);
        }

        /** Stops the container. */
        @Override
        public void close() throws Exception {
            stop.stop();
        }
    }

    /**
     * What a WAR would contain: the application config class a WAR-style deployment hands the
     * container, which instantiates it with its no-arg constructor and asks it for the
     * endpoints. It serves the Mux of the latest {@link #jettyWar} or {@link #tyrusWar} call, so
     * one WAR-style deployment runs at a time.
     */
    public static final class WarApplication extends MuxApplicationConfig {
        private static volatile Mux deployed;

        @Override
        protected Mux createMux() {
            return deployed;
        }
    }

    /**
     * Real WebSocket clients (Tyrus's standalone client) for a test class: register it as a
     * static {@code @RegisterExtension} field and take a {@linkplain #newClient() new client}
     * for each connection; all are shut down after the class's tests.
     *
     * <p>One client per connection, and each on {@linkplain #tyrusClient() shared executors},
     * because a Tyrus client shuts its own executors down when its last connection closes, and
     * that check races its connections: one opened, or even used, at that moment fails with a
     * {@code RejectedExecutionException} (Tyrus issue 640).
     */
    public static final class Client implements BeforeAllCallback, AfterAllCallback {
        private final List<ClientManager> made = new CopyOnWriteArrayList<>();
        private volatile boolean running;

        /**
         * Returns a new client for one connection.
         *
         * @return the client, shut down after the test class
         * @throws IllegalStateException outside a test class's lifetime
         */
        public ClientManager newClient() {
            if (!running) {
                throw new IllegalStateException("clients are made only while a test class runs;"
                        + " register the extension with @RegisterExtension on a static field");
            }
            ClientManager client = tyrusClient();
            made.add(client);
            return client;
        }

        @Override
        public void beforeAll(ExtensionContext context) {
            running = true;
        }

        @Override
        public void afterAll(ExtensionContext context) {
            running = false;
            made.forEach(ClientManager::shutdown);
            made.clear();
        }
    }

    /**
     * Returns a new Tyrus client that runs on executors shared by every client of the test JVM,
     * which Tyrus never shuts down, instead of its own.
     *
     * <p>Tyrus takes such executors from its container when it runs inside an application
     * server ("managed" executors). A client with executors of its own shuts them down when its
     * last connection closes, and that check races its other connections: a connection opened
     * or a frame sent at that moment fails with a {@code RejectedExecutionException} from a
     * terminated executor (Tyrus issue 640). Seen here as a test client's first {@code
     * sendText} failing. The fields are set by reflection, as a container would at construction.
     *
     * @return the client; {@link ClientManager#shutdown()} leaves the shared executors running
     * @throws IllegalStateException if this Tyrus version no longer has the fields
     */
    public static ClientManager tyrusClient() {
        ClientManager client = ClientManager.createClient();
        try {
            setField(client, "managedExecutorService", SharedTyrusExecutors.EXECUTOR);
            setField(client, "managedScheduledExecutorService", SharedTyrusExecutors.SCHEDULED);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot give the Tyrus client shared executors: Tyrus's BaseContainer"
                    + " changed (see Tyrus issue 640 and TestContainers.tyrusClient)", e);
        }
        return client;
    }

    private static void setField(ClientManager client, String name, Object value) throws ReflectiveOperationException {
        java.lang.reflect.Field field = BaseContainer.class.getDeclaredField(name);
        field.setAccessible(true);
        field.set(client, value);
    }

    /** The executors every test client shares; daemon threads that live as long as the JVM. */
    static final class SharedTyrusExecutors {
        static final ExecutorService EXECUTOR = Executors.newCachedThreadPool(daemons("tyrus-client-"));
        static final ScheduledExecutorService SCHEDULED = Executors.newScheduledThreadPool(2, daemons("tyrus-client-timer-"));

        private SharedTyrusExecutors() {
        }

        private static ThreadFactory daemons(String prefix) {
            AtomicInteger count = new AtomicInteger();
            return task -> {
                Thread thread = new Thread(task, prefix + count.incrementAndGet());
                thread.setDaemon(true);
                return thread;
            };
        }
    }

    /**
     * Starts Jetty with the Mux's endpoints registered programmatically with {@code addEndpoint}.
     *
     * @param mux the application
     * @return the running container
     * @throws Exception if Jetty does not start
     */
    public static Running jetty(Mux mux) throws Exception {
        return startJetty(context -> JakartaWebSocketServletContainerInitializer.configure(context,
                (servletContext, container) -> {
                    for (ServerEndpointConfig config : mux.endpointConfigs()) {
                        container.addEndpoint(config);
                    }
                }));
    }

    /**
     * Starts Jetty deploying a Mux the way a WAR is: Jetty's WebSocket initializer receives
     * {@link WarApplication} as its scan would, instantiates it and asks it for the endpoints.
     *
     * @param mux the application
     * @return the running container
     * @throws Exception if Jetty does not start
     */
    public static Running jettyWar(Mux mux) throws Exception {
        WarApplication.deployed = mux;
        return startJetty(context -> context.addServletContainerInitializer(new ServletContainerInitializerHolder(
                JakartaWebSocketServletContainerInitializer.class, WarApplication.class)));
    }

    private static Running startJetty(Consumer<ServletContextHandler> deploy) throws Exception {
        Server server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost(LOOPBACK);
        connector.setPort(0);
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler(CONTEXT);
        server.setHandler(context);
        deploy.accept(context);
        server.start();
        return new Running(connector.getLocalPort(), server::stop);
    }

    /**
     * Starts Tyrus with the Mux's endpoints registered programmatically with
     * {@code addEndpoint}.
     *
     * @param mux the application
     * @return the running container
     * @throws Exception if Tyrus or Grizzly does not start
     */
    public static Running tyrus(Mux mux) throws Exception {
        TyrusServerContainer container = tyrusContainer(Set.of());
        for (ServerEndpointConfig config : mux.endpointConfigs()) {
            container.addEndpoint(config);
        }
        return startTyrus(container);
    }

    /**
     * Starts Tyrus deploying a Mux the way a WAR is: the container is given
     * {@link WarApplication}, instantiates it and asks it for the endpoints.
     *
     * @param mux the application
     * @return the running container
     * @throws Exception if Tyrus or Grizzly does not start
     */
    public static Running tyrusWar(Mux mux) throws Exception {
        WarApplication.deployed = mux;
        return startTyrus(tyrusContainer(Set.of(WarApplication.class)));
    }

    /**
     * A Tyrus container on its own engine. Tyrus's ready-made {@code Server} binds every
     * interface; wiring the engine to a Grizzly listener here keeps everything on loopback.
     */
    private static TyrusServerContainer tyrusContainer(Set<Class<?>> classes) {
        return new TyrusServerContainer(classes) {
            private final WebSocketEngine engine = TyrusWebSocketEngine.builder(this).build();

            @Override
            public void register(Class<?> endpointClass) throws DeploymentException {
                engine.register(endpointClass, CONTEXT);
            }

            @Override
            public void register(ServerEndpointConfig config) throws DeploymentException {
                engine.register(config, CONTEXT);
            }

            @Override
            public WebSocketEngine getWebSocketEngine() {
                return engine;
            }
        };
    }

    private static Running startTyrus(TyrusServerContainer container) throws Exception {
        HttpServer http = new HttpServer();
        NetworkListener listener = new NetworkListener("mux-it", LOOPBACK, 0);
        listener.registerAddOn(webSocketAddOn(container));
        http.addListener(listener);
        http.start();
        // The handshake blocks while the consumer connects: keep it off the selector threads.
        listener.getTransport().setIOStrategy(WorkerThreadIOStrategy.getInstance());
        container.start(CONTEXT, listener.getPort());
        return new Running(listener.getPort(), () -> {
            container.stop();
            http.shutdownNow();
        });
    }

    /** Tyrus's Grizzly add-on has a package-private constructor; Tyrus's own Server is its only user. */
    private static AddOn webSocketAddOn(ServerContainer container) throws ReflectiveOperationException {
        Constructor<WebSocketAddOn> c = WebSocketAddOn.class.getDeclaredConstructor(ServerContainer.class, String.class);
        c.setAccessible(true);
        return c.newInstance(container, CONTEXT);
    }
}
