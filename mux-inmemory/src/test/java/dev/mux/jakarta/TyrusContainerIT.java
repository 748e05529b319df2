package dev.mux.jakarta;

import jakarta.websocket.DeploymentException;
import jakarta.websocket.server.ServerEndpointConfig;
import java.lang.reflect.Constructor;
import java.util.Set;
import org.glassfish.grizzly.http.server.AddOn;
import org.glassfish.grizzly.http.server.HttpServer;
import org.glassfish.grizzly.http.server.NetworkListener;
import org.glassfish.grizzly.strategies.WorkerThreadIOStrategy;
import org.glassfish.tyrus.container.grizzly.server.WebSocketAddOn;
import org.glassfish.tyrus.core.TyrusWebSocketEngine;
import org.glassfish.tyrus.server.TyrusServerContainer;
import org.glassfish.tyrus.spi.ServerContainer;
import org.glassfish.tyrus.spi.WebSocketEngine;

/**
 * The container scenarios on Tyrus over Grizzly, deployed the way a WAR is: the container is
 * given a {@link MuxApplicationConfig} class and asks it for the endpoints.
 *
 * <p>Tyrus's ready-made {@code Server} binds every interface; this test wires the same Tyrus
 * engine to a Grizzly listener on 127.0.0.1 instead, so nothing listens beyond loopback.
 */
class TyrusContainerIT extends ContainerScenarios {

    /** The Mux the deployed application config hands out; set before each deployment. */
    private static volatile Mux deployed;

    /** What a WAR would contain: found by the container, instantiated with its no-arg constructor. */
    public static final class Application extends MuxApplicationConfig {
        @Override
        protected Mux createMux() {
            return deployed;
        }
    }

    private HttpServer http;
    private TyrusServerContainer container;

    @Override
    protected int startServer(Mux mux) throws Exception {
        deployed = mux;
        container = new TyrusServerContainer(Set.<Class<?>>of(Application.class)) {
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
        http = new HttpServer();
        NetworkListener listener = new NetworkListener("mux-it", "127.0.0.1", 0);
        listener.registerAddOn(webSocketAddOn(container));
        http.addListener(listener);
        http.start();
        // The handshake blocks while the consumer connects: keep it off the selector threads.
        listener.getTransport().setIOStrategy(WorkerThreadIOStrategy.getInstance());
        container.start(CONTEXT, listener.getPort());
        return listener.getPort();
    }

    @Override
    protected void stopServer() {
        container.stop();
        http.shutdownNow();
    }

    /** Tyrus's Grizzly add-on has a package-private constructor; its Server class is its only user. */
    private static AddOn webSocketAddOn(ServerContainer container) throws ReflectiveOperationException {
        Constructor<WebSocketAddOn> c = WebSocketAddOn.class.getDeclaredConstructor(ServerContainer.class, String.class);
        c.setAccessible(true);
        return c.newInstance(container, CONTEXT);
    }
}
