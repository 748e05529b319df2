package dev.mux.binding;

import dev.mux.demux.DemuxClient;
import dev.mux.demux.Demultiplexer;
import dev.mux.demux.RealClient;
import dev.mux.jakarta.Mux;
import dev.mux.layer.ChannelLayer;
import jakarta.websocket.server.ServerEndpointConfig;
import java.lang.reflect.Constructor;
import java.net.URI;
import java.util.Set;
import java.util.function.Supplier;
import org.glassfish.grizzly.http.server.AddOn;
import org.glassfish.grizzly.http.server.HttpServer;
import org.glassfish.grizzly.http.server.NetworkListener;
import org.glassfish.grizzly.strategies.WorkerThreadIOStrategy;
import org.glassfish.tyrus.client.ClientManager;
import org.glassfish.tyrus.container.grizzly.server.WebSocketAddOn;
import org.glassfish.tyrus.core.TyrusWebSocketEngine;
import org.glassfish.tyrus.server.TyrusServerContainer;
import org.glassfish.tyrus.spi.ServerContainer;
import org.glassfish.tyrus.spi.WebSocketEngine;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The binding scenarios in Tyrus over Grizzly, listening on 127.0.0.1 only, with a real client.
 */
class BindingTyrusIT extends BindingOverSocketScenarios {

    private static final String CONTEXT = "/app";

    private static ClientManager client;

    private Mux mux;
    private HttpServer http;
    private TyrusServerContainer container;
    private int port;

    @BeforeAll
    static void startClient() {
        client = ClientManager.createClient();
    }

    @AfterAll
    static void stopClient() {
        client.shutdown();
    }

    @Override
    protected void startServer(ChannelLayer layer, String route, Supplier<Demultiplexer> factory) throws Exception {
        mux = Mux.builder().layer(layer).route(route, factory).build();
        container = new TyrusServerContainer(Set.<Class<?>>of()) {
            private final WebSocketEngine engine = TyrusWebSocketEngine.builder(this).build();

            @Override
            public void register(Class<?> endpointClass) {
                throw new UnsupportedOperationException("only endpoint configs are registered");
            }

            @Override
            public void register(ServerEndpointConfig config) throws jakarta.websocket.DeploymentException {
                engine.register(config, CONTEXT);
            }

            @Override
            public WebSocketEngine getWebSocketEngine() {
                return engine;
            }
        };
        for (ServerEndpointConfig config : mux.endpointConfigs()) {
            container.addEndpoint(config);
        }
        http = new HttpServer();
        NetworkListener listener = new NetworkListener("mux-binding-it", "127.0.0.1", 0);
        listener.registerAddOn(webSocketAddOn(container));
        http.addListener(listener);
        http.start();
        // The handshake waits for the consumer to connect: keep it off the selector threads.
        listener.getTransport().setIOStrategy(WorkerThreadIOStrategy.getInstance());
        container.start(CONTEXT, listener.getPort());
        port = listener.getPort();
    }

    @Override
    protected DemuxClient connect(String path) throws Exception {
        return new RealClient(client, URI.create("ws://127.0.0.1:" + port + CONTEXT + path));
    }

    @Override
    protected void stopServer() {
        container.stop();
        http.shutdownNow();
        mux.close();
    }

    /** Tyrus's Grizzly add-on has a package-private constructor; Tyrus's own Server is its only user. */
    private static AddOn webSocketAddOn(ServerContainer container) throws ReflectiveOperationException {
        Constructor<WebSocketAddOn> c = WebSocketAddOn.class.getDeclaredConstructor(ServerContainer.class, String.class);
        c.setAccessible(true);
        return c.newInstance(container, CONTEXT);
    }
}
