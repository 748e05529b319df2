package dev.mux.examples.board;

import dev.mux.binding.Binding;
import dev.mux.demux.Demultiplexer;
import java.util.List;
import java.util.Map;

/**
 * The board's socket, as the seed application's {@code MessageDemultiplexer}: stream
 * {@value MessageBinding#STREAM} served by the {@linkplain MessageBinding board binding}, and
 * every connection in the group {@value MessageBinding#GROUP}, so it hears every change.
 *
 * <p>Mounted at {@code /demultiplex/{room_name}/}; a room name that is not 1 to 64 letters,
 * digits, {@code _} or {@code -} is refused at the handshake (HTTP 403). The page shows the
 * changes of its own room; the others go by.
 *
 * <p><b>Threading:</b> one instance per connection; the Mux runtime calls it one callback at a
 * time.
 */
public final class MessageDemultiplexer extends Demultiplexer {

    /**
     * Creates the demultiplexer of one connection.
     *
     * @param messages the board's binding, shared by every connection
     */
    public MessageDemultiplexer(Binding<BoardMessage> messages) {
        super(Map.of(MessageBinding.STREAM, messages));
    }

    /**
     * Returns the group every board socket joins.
     *
     * @return {@code ["message-update"]}
     */
    @Override
    public List<String> connectionGroups() {
        return List.of(MessageBinding.GROUP);
    }

    /** Refuses a malformed room name, then accepts. */
    @Override
    protected void onConnect() {
        if (!BoardMessage.ROOM_NAME.matcher(scope().routeParam("room_name")).matches()) {
            reject();
            return;
        }
        super.onConnect();
    }
}
