package dev.mux.binding;

import dev.mux.demux.DemuxClient;
import dev.mux.demux.Demultiplexer;
import dev.mux.demux.RealClient;
import dev.mux.jakarta.Mux;
import dev.mux.layer.ChannelLayer;
import jakarta.websocket.server.ServerEndpointConfig;
import java.net.URI;
import java.util.function.Supplier;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.websocket.jakarta.server.config.JakartaWebSocketServletContainerInitializer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.glassfish.tyrus.client.ClientManager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The binding scenarios in Jetty 12 (ee10), listening on 127.0.0.1 only, with a real client. */
class BindingJettyIT extends BindingOverSocketScenarios {

    private static final String CONTEXT = "/app";

    private static ClientManager client;

    private Mux mux;
    private Server server;
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
        server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler(CONTEXT);
        server.setHandler(context);
        JakartaWebSocketServletContainerInitializer.configure(context, (servletContext, container) -> {
            for (ServerEndpointConfig config : mux.endpointConfigs()) {
                container.addEndpoint(config);
            }
        });
        server.start();
        port = connector.getLocalPort();
    }

    @Override
    protected DemuxClient connect(String path) throws Exception {
        return new RealClient(client, URI.create("ws://127.0.0.1:" + port + CONTEXT + path));
    }

    @Override
    protected void stopServer() throws Exception {
        server.stop();
        mux.close();
    }
}
