package dev.mux.examples.testing;

import jakarta.websocket.DeploymentException;
import jakarta.websocket.server.ServerEndpointConfig;
import java.io.IOException;
import java.lang.reflect.Constructor;
import java.util.List;
import java.util.Map;
import org.glassfish.grizzly.filterchain.Filter;
import org.glassfish.grizzly.http.server.HttpServer;
import org.glassfish.grizzly.http.server.HttpServerFilter;
import org.glassfish.grizzly.http.server.NetworkListener;
import org.glassfish.tyrus.container.grizzly.server.GrizzlyServerContainer;
import org.glassfish.tyrus.spi.ServerContainer;

/**
 * Tyrus on Grizzly listening on 127.0.0.1 only. Tyrus' own standalone {@code Server} always
 * listens on every interface (0.0.0.0), so this assembles the same parts around a loopback
 * listener: Tyrus' container and engine, and its Grizzly filter in front of the HTTP filter.
 */
public final class LoopbackTyrus implements AutoCloseable {
    private final HttpServer http;
    private final int port;

    private LoopbackTyrus(HttpServer http, int port) {
        this.http = http;
        this.port = port;
    }

    /**
     * Deploys endpoints at the root context and starts listening on a free loopback port.
     *
     * @param configs the endpoints
     * @return the running server
     * @throws DeploymentException if Tyrus refuses an endpoint
     * @throws IOException         if the port cannot be bound
     */
    public static LoopbackTyrus start(List<ServerEndpointConfig> configs) throws DeploymentException, IOException {
        ServerContainer container = new GrizzlyServerContainer().createContainer(Map.of());
        for (ServerEndpointConfig config : configs) {
            container.getWebSocketEngine().register(config, "/");
        }
        int port = FreePorts.find();
        HttpServer http = new HttpServer();
        NetworkListener listener = new NetworkListener("mux-tyrus", "127.0.0.1", port);
        // The filter class is Tyrus' own (package-private); its add-on would need Tyrus' listener.
        Filter tyrusFilter = tyrusFilter(container);
        listener.registerAddOn((networkListener, chain) -> chain.add(chain.indexOfType(HttpServerFilter.class), tyrusFilter));
        http.addListener(listener);
        http.start();
        return new LoopbackTyrus(http, port);
    }

    private static Filter tyrusFilter(ServerContainer container) {
        try {
            Class<?> type = Class.forName("org.glassfish.tyrus.container.grizzly.server.GrizzlyServerFilter");
            Constructor<?> constructor = type.getConstructor(ServerContainer.class, String.class);
            constructor.setAccessible(true);
            return (Filter) constructor.newInstance(container, "/");
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("this Tyrus version has no GrizzlyServerFilter(ServerContainer, String)", e);
        }
    }

    /**
     * Returns the port.
     *
     * @return the loopback port
     */
    public int port() {
        return port;
    }

    /** Stops listening and drops every connection. */
    @Override
    public void close() {
        // Not container.stop(): that stops the HTTP server Tyrus would have made itself.
        http.shutdownNow();
    }
}
