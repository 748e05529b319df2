package dev.mux.binding;

import dev.mux.demux.DemuxClient;
import dev.mux.demux.Demultiplexer;
import dev.mux.demux.RealClient;
import dev.mux.jakarta.Mux;
import dev.mux.jakarta.TestContainers;
import dev.mux.layer.ChannelLayer;
import java.util.function.Supplier;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The binding scenarios in a real container listening on 127.0.0.1 only, with a real client;
 * subclasses choose the container.
 */
abstract class BindingInContainerScenarios extends BindingOverSocketScenarios {

    @RegisterExtension
    static final TestContainers.Client CLIENT = new TestContainers.Client();

    private Mux mux;
    private TestContainers.Running server;

    /** Starts the container serving the Mux's endpoints. */
    protected abstract TestContainers.Running startContainer(Mux mux) throws Exception;

    @Override
    protected final void startServer(ChannelLayer layer, String route, Supplier<Demultiplexer> factory)
            throws Exception {
        mux = Mux.builder().layer(layer).route(route, factory).build();
        server = startContainer(mux);
    }

    @Override
    protected final DemuxClient connect(String path) throws Exception {
        return new RealClient(CLIENT.newClient(), server.uri(path));
    }

    @Override
    protected final void stopServer() throws Exception {
        server.close();
        mux.close();
    }
}
