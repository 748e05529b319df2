package dev.mux.jakarta;

import jakarta.websocket.Endpoint;
import jakarta.websocket.server.ServerApplicationConfig;
import jakarta.websocket.server.ServerEndpointConfig;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Deploys a {@link Mux} in a WAR: the container finds this class by scanning, as it finds any
 * {@link ServerApplicationConfig}, and registers the endpoints it returns.
 *
 * <pre>{@code
 * public final class ChatApplication extends MuxApplicationConfig {
 *     @Override
 *     protected Mux createMux() {
 *         return Mux.builder()
 *             .layer(new InMemoryChannelLayer())
 *             .route("/ws/chat/{room}/", ChatConsumer::new)
 *             .build();
 *     }
 * }
 * }</pre>
 *
 * <p>The container instantiates the subclass with its public no-argument constructor and
 * calls it once at deployment, on its deployment thread. Annotated endpoints the scan found are
 * deployed too, unless {@link #getAnnotatedEndpointClasses} is overridden.
 */
public abstract class MuxApplicationConfig implements ServerApplicationConfig {

    private Mux mux;

    /** Creates the configuration; subclasses need a public no-argument constructor. */
    protected MuxApplicationConfig() {
    }

    /**
     * Creates the application; called once.
     *
     * @return the Mux to deploy
     */
    protected abstract Mux createMux();

    /**
     * Returns the application, creating it on first use.
     *
     * @return the Mux
     */
    public final synchronized Mux mux() {
        if (mux == null) {
            mux = java.util.Objects.requireNonNull(createMux(), "createMux() returned null");
        }
        return mux;
    }

    /**
     * Returns the Mux endpoints, whatever the scan found.
     *
     * @param scanned programmatic endpoint classes the container found; not used
     * @return one configuration per mount path
     */
    @Override
    public Set<ServerEndpointConfig> getEndpointConfigs(Set<Class<? extends Endpoint>> scanned) {
        return new LinkedHashSet<>(mux().endpointConfigs());
    }

    /**
     * Returns the annotated endpoints to deploy besides Mux's: by default every one the scan
     * found, so adding Mux to an application does not hide its own endpoints.
     *
     * @param scanned annotated endpoint classes the container found
     * @return the classes to deploy
     */
    @Override
    public Set<Class<?>> getAnnotatedEndpointClasses(Set<Class<?>> scanned) {
        return scanned;
    }
}
