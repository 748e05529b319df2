package dev.mux.binding;

import dev.mux.demux.CommunicatorClient;
import dev.mux.demux.DemuxClient;
import dev.mux.demux.Demultiplexer;
import dev.mux.layer.ChannelLayer;
import dev.mux.routing.Router;
import dev.mux.testing.WebSocketCommunicator;
import java.time.Duration;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/** The binding scenarios in-process, through the router and the consumer runtime, without a server. */
class BindingOverCommunicatorTest extends BindingOverSocketScenarios {

    private ChannelLayer serverLayer;
    private Router router;

    @Override
    protected void startServer(ChannelLayer layer, String route, Supplier<Demultiplexer> factory) {
        this.serverLayer = layer;
        this.router = Router.builder().route(route, factory).build();
    }

    @Override
    protected DemuxClient connect(String path) {
        WebSocketCommunicator communicator = WebSocketCommunicator.builder(serverLayer)
                .router(router).path(path).timeout(Duration.ofSeconds(10)).build();
        assertThat(communicator.connect().accepted()).as("accepted").isTrue();
        return new CommunicatorClient(communicator);
    }

    @Override
    protected void stopServer() {
    }
}
