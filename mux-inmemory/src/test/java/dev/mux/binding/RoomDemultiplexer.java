package dev.mux.binding;

import dev.mux.demux.Demultiplexer;
import dev.mux.demux.StreamConsumer;
import java.util.List;
import java.util.Map;

/**
 * A demultiplexer whose connection group is its room, taken from the route
 * ({@code /demultiplex/{room}/}), as Channels' {@code connection_groups(**kwargs)} would.
 */
public final class RoomDemultiplexer extends Demultiplexer {

    /** Creates one for a connection. */
    public RoomDemultiplexer(Map<String, ? extends StreamConsumer> streams) {
        super(streams);
    }

    @Override
    public List<String> connectionGroups() {
        return List.of("room-" + scope().routeParam("room"));
    }
}
