package dev.mux.inmemory;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mux.layer.ChannelLayer;
import dev.mux.layer.ChannelLayerContract;
import dev.mux.layer.GroupSendResult;
import dev.mux.layer.LayerOptions;
import dev.mux.layer.Message;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * Runs the channel layer contract, unchanged, against {@link InMemoryChannelLayer}, plus what is
 * particular to it: Channels' rule that a channel letting a message expire leaves its groups,
 * and that unused names and abandoned receives cost nothing.
 */
class InMemoryChannelLayerTest extends ChannelLayerContract {

    @Override
    protected ChannelLayer createLayer(LayerOptions options) {
        return new InMemoryChannelLayer(options);
    }

    private InMemoryChannelLayer inMemory(LayerOptions options) {
        return (InMemoryChannelLayer) newLayer(options);
    }

    @Test
    void aChannelThatLetsAMessageExpireLeavesAllItsGroupsWhenNextSentTo() {
        InMemoryChannelLayer layer = inMemory(LayerOptions.builder().expiry(Duration.ofSeconds(1)).build());
        String lazy = layer.newChannel("lazy");
        String idle = layer.newChannel("idle");
        String first = name("first");
        String second = name("second");
        await(layer.groupAdd(first, lazy));
        await(layer.groupAdd(first, idle));
        await(layer.groupAdd(second, lazy));
        await(layer.send(lazy, Message.of("type", "never.read")));

        // Each group send queues more on the lazy channel; once the first message has expired
        // the next send notices it and the lazy channel leaves every group, not just this one.
        awaitCondition("the lazy channel leaves the second group",
                () -> await(layer.groupSend(second, Message.of("type", "poll"))).members() == 0);

        assertThat(await(layer.groupSend(first, Message.of("type", "for.idle")))).isEqualTo(new GroupSendResult(1, 0));
        assertThat(await(layer.receive(idle)).type()).isEqualTo("for.idle");
        assertThat(layer.indexedChannelCount()).as("only the idle channel is indexed").isEqualTo(1);
    }

    @Test
    void expiredMessagesOfAnUntouchedChannelAreSweptAndItsGroupsGoWithIt() {
        InMemoryChannelLayer layer = inMemory(LayerOptions.builder().expiry(Duration.ofSeconds(1)).build());
        String abandoned = layer.newChannel("abandoned");
        await(layer.groupAdd(name("room"), abandoned));
        await(layer.send(abandoned, Message.of("type", "unread")));
        assertThat(layer.channelCount()).isEqualTo(1);
        assertThat(layer.groupCount()).isEqualTo(1);

        awaitCondition("the sweep reclaims the abandoned channel and its group",
                () -> layer.channelCount() == 0 && layer.groupCount() == 0 && layer.indexedChannelCount() == 0);
    }

    @Test
    void namesThatAreNeverUsedAndCancelledReceivesTakeNoMemory() {
        InMemoryChannelLayer layer = inMemory(LayerOptions.defaults());
        List<CompletableFuture<Message>> receives = new ArrayList<>();
        for (int i = 0; i < 1_000; i++) {
            String unused = layer.newChannel("unused");
            assertThat(unused).isNotBlank();
            receives.add(layer.receive(layer.newChannel("waiting")).toCompletableFuture());
        }
        assertThat(layer.channelCount()).as("one queue per waiting receive").isEqualTo(1_000);

        receives.forEach(r -> r.cancel(true));

        assertThat(layer.channelCount()).isZero();
    }

    @Test
    void groupDiscardOfTheLastMemberRemovesTheGroupAndItsIndexEntries() {
        InMemoryChannelLayer layer = inMemory(LayerOptions.defaults());
        String channel = layer.newChannel("member");
        await(layer.groupAdd(name("a"), channel));
        await(layer.groupAdd(name("b"), channel));
        assertThat(layer.groupCount()).isEqualTo(2);
        assertThat(layer.indexedChannelCount()).isEqualTo(1);

        await(layer.groupDiscard(name("a"), channel));
        await(layer.groupDiscard(name("b"), channel));

        assertThat(layer.groupCount()).isZero();
        assertThat(layer.indexedChannelCount()).isZero();
    }
}
