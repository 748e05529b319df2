package dev.mux.examples;

import dev.mux.binding.Binding;
import dev.mux.examples.board.AdminAuthenticator;
import dev.mux.examples.board.BoardEvents;
import dev.mux.examples.board.BoardMessage;
import dev.mux.examples.board.JdbcMessageStore;
import dev.mux.examples.board.MessageBinding;
import dev.mux.examples.board.MessageDemultiplexer;
import dev.mux.examples.board.MessagesServlet;
import dev.mux.examples.chat.ChatConsumer;
import dev.mux.consumer.ConnectionLimits;
import dev.mux.jakarta.Mux;
import dev.mux.layer.ChannelLayer;
import dev.mux.observe.MuxListener;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletRegistration;
import jakarta.websocket.DeploymentException;
import jakarta.websocket.server.ServerContainer;
import jakarta.websocket.server.ServerEndpointConfig;
import java.util.List;
import java.util.Objects;

/**
 * The example application, independent of the container it runs in: the chat and board
 * WebSocket endpoints, the board's REST API and the web page.
 *
 * <p>The embedded server ({@link ExampleServer}) mounts it in Jetty; any other Jakarta
 * container (Tomcat, WildFly, Tyrus) can mount it the same way from a
 * {@code ServletContextListener}:
 *
 * <pre>{@code
 * ExampleApp app = ExampleApp.create(layer, store, adminToken, List.of());
 * ServerContainer container =
 *     (ServerContainer) servletContext.getAttribute(ServerContainer.class.getName());
 * app.install(servletContext, container);
 * // and when the context is destroyed: app.close(); layer.close();
 * }</pre>
 *
 * <p>The endpoints are those of {@link Mux}: {@code /ws/chat/{room}/} runs
 * {@link ChatConsumer}; {@code /demultiplex/{room_name}/} runs {@link MessageDemultiplexer}
 * with the {@link MessageBinding}; sockets with {@code ?token=<admin token>} are the admin
 * ({@link AdminAuthenticator}). Browsers from other origins than the server's own are refused
 * unless allowed.
 *
 * <p><b>Threading:</b> thread-safe. Consumers run as the Mux runtime schedules them (one at a
 * time per connection); the servlets run on the container's request threads.
 */
public final class ExampleApp implements AutoCloseable {

    /** The chat's route, as in the Channels tutorial. */
    public static final String CHAT_ROUTE = "/ws/chat/{room}/";

    /** The board's route, as in the seed application. */
    public static final String BOARD_ROUTE = "/demultiplex/{room_name}/";

    private final ChannelLayer layer;
    private final JdbcMessageStore store;
    private final String adminToken;
    private final Binding<BoardMessage> binding;
    private final BoardEvents events;
    private final Mux mux;

    private ExampleApp(ChannelLayer layer, JdbcMessageStore store, String adminToken, List<String> allowedOrigins,
                       ConnectionLimits limits, MuxListener listener) {
        this.layer = Objects.requireNonNull(layer, "layer");
        this.store = Objects.requireNonNull(store, "store");
        this.adminToken = Objects.requireNonNull(adminToken, "adminToken");
        this.binding = MessageBinding.create(store, layer);
        this.events = MessageBinding.events(binding);
        this.mux = Mux.builder()
                .layer(layer)
                .limits(Objects.requireNonNull(limits, "limits"))
                .listener(Objects.requireNonNull(listener, "listener"))
                .route(CHAT_ROUTE, ChatConsumer::new)
                .route(BOARD_ROUTE, () -> new MessageDemultiplexer(binding))
                .allowedOrigins(allowedOrigins.toArray(String[]::new))
                .authenticator(new AdminAuthenticator(adminToken))
                .build();
    }

    /**
     * Creates the application.
     *
     * @param layer          the channel layer the consumers use; the caller closes it
     * @param store          where board messages are kept; its schema must exist
     * @param adminToken     the token that allows editing and deleting board messages
     * @param allowedOrigins browser origins allowed to open sockets besides the server's own
     * @return the application
     */
    public static ExampleApp create(ChannelLayer layer, JdbcMessageStore store, String adminToken,
                                    List<String> allowedOrigins) {
        return new ExampleApp(layer, store, adminToken, allowedOrigins, ConnectionLimits.defaults(), MuxListener.NOOP);
    }

    /**
     * Creates the application with connection limits and a listener for its metrics.
     *
     * @param layer          the channel layer the consumers use; the caller closes it
     * @param store          where board messages are kept; its schema must exist
     * @param adminToken     the token that allows editing and deleting board messages
     * @param allowedOrigins browser origins allowed to open sockets besides the server's own
     * @param limits         frame size, inbound rate, outbound queue, per-address cap
     * @param listener       hears connections, frames and drops
     * @return the application
     */
    public static ExampleApp create(ChannelLayer layer, JdbcMessageStore store, String adminToken,
                                    List<String> allowedOrigins, ConnectionLimits limits, MuxListener listener) {
        return new ExampleApp(layer, store, adminToken, allowedOrigins, limits, listener);
    }

    /**
     * Returns the WebSocket endpoints: {@code /ws/chat/{room}/} and
     * {@code /demultiplex/{room_name}/}.
     *
     * @return the endpoint configurations, to add to a {@link ServerContainer}
     */
    public List<ServerEndpointConfig> endpointConfigs() {
        return mux.endpointConfigs();
    }

    /**
     * Returns the Mux application behind the endpoints.
     *
     * @return the Mux
     */
    public Mux mux() {
        return mux;
    }

    /**
     * Returns the board's binding, to report changes made elsewhere.
     *
     * @return the binding
     */
    public Binding<BoardMessage> binding() {
        return binding;
    }

    /**
     * Returns where changes made outside the board socket are reported.
     *
     * @return the board's events; broadcasting through the board's binding
     */
    public BoardEvents boardEvents() {
        return events;
    }

    /**
     * Mounts everything in a servlet context: the endpoints in its WebSocket container, the
     * REST API at {@code /api/messages/*} and the page at {@code /}.
     *
     * <p>Call it while the context starts (from a {@code ServletContextListener} or a
     * {@code ServletContainerInitializer}), as the servlet specification requires for
     * {@link ServletContext#addServlet}.
     *
     * @param context   the servlet context
     * @param container the context's WebSocket container
     * @throws DeploymentException if the container refuses an endpoint
     */
    public void install(ServletContext context, ServerContainer container) throws DeploymentException {
        for (ServerEndpointConfig config : endpointConfigs()) {
            container.addEndpoint(config);
        }
        ServletRegistration.Dynamic api = context.addServlet("mux-board-api",
                new MessagesServlet(store, events, adminToken));
        api.addMapping("/api/messages", "/api/messages/*");
        ServletRegistration.Dynamic page = context.addServlet("mux-page", new WebPageServlet());
        page.addMapping("/");
    }

    /**
     * Returns the channel layer.
     *
     * @return the layer given at creation
     */
    public ChannelLayer layer() {
        return layer;
    }

    /**
     * Closes every socket with 1001 (going away) and stops the consumers' threads; the layer
     * and the store stay open (they are the caller's). Idempotent.
     */
    @Override
    public void close() {
        mux.close();
    }
}
