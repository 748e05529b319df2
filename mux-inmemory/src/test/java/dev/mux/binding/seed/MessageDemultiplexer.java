package dev.mux.binding.seed;

import dev.mux.binding.Binding;
import dev.mux.demux.Demultiplexer;
import java.util.List;
import java.util.Map;

/**
 * The seed's {@code MessageDemultiplexer}: {@code {"message-stream": MessageBinding}}, every
 * connection in the group {@code message-update}. Without a subclass the same is
 * {@code Demultiplexer.of(Map.of("message-stream", binding)).connectionGroups("message-update")}.
 */
public final class MessageDemultiplexer extends Demultiplexer {

    /** Creates one for a connection. */
    public MessageDemultiplexer(Binding<Message> messages) {
        super(Map.of("message-stream", messages));
    }

    @Override
    public List<String> connectionGroups() {
        return List.of("message-update");
    }
}
