package dev.mux.binding;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mux.demux.StreamFrames;
import dev.mux.layer.ChannelLayer;
import dev.mux.layer.Message;
import java.util.concurrent.TimeUnit;

/**
 * A channel on a real layer that joins groups and reads the frames bindings send them, as a
 * connected demultiplexer would, without a socket.
 */
final class LayerMember {

    private static final long WAIT_SECONDS = 5;

    private final ChannelLayer layer;
    private final String channel;

    LayerMember(ChannelLayer layer, String... groups) {
        this.layer = layer;
        this.channel = layer.newChannel("member");
        for (String group : groups) {
            layer.groupAdd(group, channel).toCompletableFuture().join();
        }
    }

    /** Waits (bounded) for the next layer message and returns the frame text it carries. */
    String nextFrame() {
        Message m = receive();
        assertThat(m.type()).isEqualTo(StreamFrames.LAYER_MESSAGE_TYPE);
        return m.getString(StreamFrames.TEXT_KEY);
    }

    /**
     * Asserts that nothing is queued for this member: a marker sent now must be the next message,
     * since channels are first-in first-out.
     */
    void assertNothingQueued() {
        layer.send(channel, Message.of("type", "test.marker")).toCompletableFuture().join();
        assertThat(receive().type()).as("next message on %s", channel).isEqualTo("test.marker");
    }

    private Message receive() {
        try {
            return layer.receive(channel).toCompletableFuture().get(WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("no message on " + channel + " within " + WAIT_SECONDS + " s", e);
        }
    }
}
