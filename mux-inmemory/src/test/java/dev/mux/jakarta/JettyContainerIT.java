package dev.mux.jakarta;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mux.consumer.TestConsumers;
import dev.mux.inmemory.InMemoryChannelLayer;
import jakarta.websocket.server.ServerEndpointConfig;
import java.net.URI;
import java.time.Duration;
import org.eclipse.jetty.ee10.servlet.ServletContainerInitializerHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.websocket.jakarta.server.config.JakartaWebSocketServletContainerInitializer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.glassfish.tyrus.client.ClientManager;
import org.junit.jupiter.api.Test;

/** The container scenarios on Jetty 12 (ee10), registered programmatically with addEndpoint. */
class JettyContainerIT extends ContainerScenarios {

    private Server server;

    @Override
    protected int startServer(Mux mux) throws Exception {
        server = new Server();
        ServerConnector connector = loopbackConnector(server);
        ServletContextHandler context = new ServletContextHandler(CONTEXT);
        server.setHandler(context);
        JakartaWebSocketServletContainerInitializer.configure(context, (servletContext, container) -> {
            for (ServerEndpointConfig config : mux.endpointConfigs()) {
                container.addEndpoint(config);
            }
        });
        server.start();
        return connector.getLocalPort();
    }

    @Override
    protected void stopServer() throws Exception {
        server.stop();
    }

    private static ServerConnector loopbackConnector(Server server) {
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        return connector;
    }

    /** The Mux the WAR-style application hands out. */
    private static volatile Mux warMux;

    /** What a WAR would contain; Jetty's initializer receives it as its scan would. */
    public static final class WarApplication extends MuxApplicationConfig {
        @Override
        protected Mux createMux() {
            return warMux;
        }
    }

    @Test
    void aWarStyleApplicationConfigIsDeployedByJettysWebSocketInitializer() throws Exception {
        try (InMemoryChannelLayer layer = new InMemoryChannelLayer();
             Mux mux = Mux.builder().layer(layer).route("/ws/echo/", TestConsumers.Echo::new).build()) {
            warMux = mux;
            Server war = new Server();
            ServerConnector connector = loopbackConnector(war);
            ServletContextHandler context = new ServletContextHandler("/war");
            // The classes a container's scan hands the initializer: here, just the application config.
            context.addServletContainerInitializer(new ServletContainerInitializerHolder(
                    JakartaWebSocketServletContainerInitializer.class, WarApplication.class));
            war.setHandler(context);
            war.start();
            ClientManager client = ClientManager.createClient();
            try (TestClient c = TestClient.connect(client,
                    URI.create("ws://127.0.0.1:" + connector.getLocalPort() + "/war/ws/echo/"))) {
                c.sendText("deployed");
                assertThat(c.receiveText(Duration.ofSeconds(10))).isEqualTo("deployed");
            } finally {
                client.shutdown();
                war.stop();
            }
        }
    }
}
