package dev.mux.jakarta;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mux.consumer.TestConsumers;
import dev.mux.inmemory.InMemoryChannelLayer;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The container scenarios on Jetty 12 (ee10), registered programmatically with addEndpoint. */
class JettyContainerIT extends ContainerScenarios {

    @Override
    protected TestContainers.Running startServer(Mux mux) throws Exception {
        return TestContainers.jetty(mux);
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
            try (TestContainers.Running war = TestContainers.jettyWar(WarApplication.class);
                 TestClient c = TestClient.connect(CLIENT.manager(), war.uri("/ws/echo/"))) {
                c.sendText("deployed");
                assertThat(c.receiveText(Duration.ofSeconds(10))).isEqualTo("deployed");
            }
        }
    }
}
