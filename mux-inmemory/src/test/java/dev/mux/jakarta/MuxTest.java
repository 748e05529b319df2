package dev.mux.jakarta;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mux.consumer.TestConsumers;
import dev.mux.inmemory.InMemoryChannelLayer;
import jakarta.websocket.server.ServerEndpointConfig;
import java.util.List;
import org.junit.jupiter.api.Test;

class MuxTest {

    @Test
    void routesOfTheSameShapeShareOneEndpointAndEachShapeGetsOne() {
        try (InMemoryChannelLayer layer = new InMemoryChannelLayer();
             Mux mux = Mux.builder()
                     .layer(layer)
                     .route("/ws/chat/{room}/", TestConsumers.ChatConsumer::new)
                     .route("^/ws/chat/(?<n>\\d+)/$", TestConsumers.Echo::new)
                     .route("^/demultiplex/(?<room_name>[a-zA-Z0-9_]+)/$", ItConsumers.ScopeReport::new)
                     .route("/ws/echo/", TestConsumers.Echo::new)
                     .build()) {
            List<ServerEndpointConfig> configs = mux.endpointConfigs();
            assertThat(configs).extracting(ServerEndpointConfig::getPath)
                    .containsExactly("/ws/chat/{p1}/", "/demultiplex/{p1}/", "/ws/echo/");
            assertThat(configs).allSatisfy(c -> {
                assertThat(c.getEndpointClass()).isEqualTo(MuxEndpoint.class);
                assertThat(c.getConfigurator()).isInstanceOf(MuxConfigurator.class);
            });
            assertThat(mux.layer()).isSameAs(layer);
            assertThat(mux.stats().openConnections()).isZero();
        }
    }

    @Test
    void anApplicationConfigHandsTheContainerTheMuxEndpointsAndKeepsScannedOnes() {
        try (InMemoryChannelLayer layer = new InMemoryChannelLayer()) {
            MuxApplicationConfig app = new MuxApplicationConfig() {
                @Override
                protected Mux createMux() {
                    return Mux.builder().layer(layer).route("/ws/echo/", TestConsumers.Echo::new).build();
                }
            };
            assertThat(app.getEndpointConfigs(java.util.Set.of())).extracting(ServerEndpointConfig::getPath)
                    .containsExactly("/ws/echo/");
            assertThat(app.mux()).isSameAs(app.mux());
            assertThat(app.getAnnotatedEndpointClasses(java.util.Set.of(String.class))).containsExactly(String.class);
            app.mux().close();
        }
    }

    @Test
    void misconfigurationFailsAtBuildTime() {
        assertThatThrownBy(() -> Mux.builder().route("/a/", TestConsumers.Echo::new).build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("channel layer");
        try (InMemoryChannelLayer layer = new InMemoryChannelLayer()) {
            assertThatThrownBy(() -> Mux.builder().layer(layer).build())
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("at least one route");
            assertThatThrownBy(() -> Mux.builder().route("^/files/(?<p>.*)$", TestConsumers.Echo::new))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("mount it explicitly");
        }
    }
}
