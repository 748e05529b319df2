package dev.mux.jakarta;

import jakarta.websocket.server.ServerEndpointConfig;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.websocket.jakarta.server.config.JakartaWebSocketServletContainerInitializer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/** The container scenarios on Jetty 12 (ee10), registered programmatically with addEndpoint. */
class JettyContainerIT extends ContainerScenarios {

    private Server server;

    @Override
    protected int startServer(Mux mux) throws Exception {
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
        return connector.getLocalPort();
    }

    @Override
    protected void stopServer() throws Exception {
        server.stop();
    }
}
