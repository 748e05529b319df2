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

    @Test
    void aWarStyleApplicationConfigIsDeployedByJettysWebSocketInitializer() throws Exception {
        try (InMemoryChannelLayer layer = new InMemoryChannelLayer();
             Mux mux = Mux.builder().layer(layer).route("/ws/echo/", TestConsumers.Echo::new).build();
             TestContainers.Running war = TestContainers.jettyWar(mux);
             TestClient c = TestClient.connect(CLIENT.newClient(), war.uri("/ws/echo/"))) {
            c.sendText("deployed");
            assertThat(c.receiveText(Duration.ofSeconds(10))).isEqualTo("deployed");
        }
    }
}
