package dev.mux.inmemory;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mux.layer.GroupSendResult;
import dev.mux.layer.LayerOptions;
import dev.mux.layer.Message;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Shows that the in-memory layer gives memory back: a hundred thousand channels used and
 * abandoned leave its maps empty once their messages and memberships expire, waiting receives
 * hold no thread, and the one sweeper thread does not spin.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class InMemoryChannelLayerMemoryTest {

    private static final int CHANNELS = 100_000;
    private static final int ROOMS = 1_000;
    private static final int WAITING = 10_000;

    private final InMemoryChannelLayer layer = new InMemoryChannelLayer(LayerOptions.builder()
            .expiry(Duration.ofSeconds(2))
            .groupExpiry(Duration.ofSeconds(3))
            .build());

    @AfterEach
    void close() {
        layer.close();
    }

    @Test
    void aHundredThousandUsedAndAbandonedChannelsLeaveTheLayerEmptyAfterExpiry() {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        int threadsBefore = threads.getThreadCount();

        // Per room, 100 members: every one gets a direct message and a group message. A third
        // read both, a third read only the direct one, a third read nothing; half leave the room.
        for (int room = 0; room < ROOMS; room++) {
            String group = "room" + room;
            List<String> members = new ArrayList<>(CHANNELS / ROOMS);
            for (int k = 0; k < CHANNELS / ROOMS; k++) {
                int i = room * (CHANNELS / ROOMS) + k;
                String channel = layer.newChannel("conn");
                members.add(channel);
                join(layer.groupAdd(group, channel));
                join(layer.send(channel, Message.of("type", "hello", "i", i)));
                if (i % 3 != 0) {
                    assertThat(join(layer.receive(channel)).getLong("i")).isEqualTo(i);
                }
            }
            GroupSendResult sent = join(layer.groupSend(group, Message.of("type", "room.news")));
            assertThat(sent.members()).isEqualTo(members.size());
            for (int k = 0; k < members.size(); k++) {
                int i = room * (CHANNELS / ROOMS) + k;
                if (i % 3 == 1) {
                    assertThat(join(layer.receive(members.get(k))).type()).isEqualTo("room.news");
                }
                if (i % 2 == 0) {
                    join(layer.groupDiscard(group, members.get(k)));
                }
            }
        }
        List<CompletableFuture<Message>> waiting = new ArrayList<>(WAITING);
        for (int i = 0; i < WAITING; i++) {
            waiting.add(layer.receive(layer.newChannel("waiting")).toCompletableFuture());
        }
        assertThat(layer.channelCount()).as("abandoned channels and waiting receives are live").isPositive();
        assertThat(layer.groupCount()).isPositive();

        // Waiting receives are futures, not threads; the layer owns exactly one thread.
        assertThat(layerThreads()).containsExactly(layer.sweeperThreadName());
        assertThat(threads.getThreadCount() - threadsBefore).as("threads started for %d channels", CHANNELS)
                .isLessThan(20);

        long sweeperId = sweeperThreadId();
        long cpuBefore = threads.getThreadCpuTime(sweeperId);
        long wallBefore = System.nanoTime();
        waiting.forEach(r -> r.cancel(true));
        awaitCondition(Duration.ofSeconds(30), "every channel, group and index entry is reclaimed",
                () -> layer.channelCount() == 0 && layer.groupCount() == 0 && layer.indexedChannelCount() == 0);
        long cpu = threads.getThreadCpuTime(sweeperId) - cpuBefore;
        long wall = System.nanoTime() - wallBefore;
        assertThat(cpu).as("sweeper CPU time (ns) over %d ms of waiting: no busy waiting", wall / 1_000_000)
                .isLessThan(wall / 2);

        // Reclaimed, not broken.
        assertThat(join(layer.groupSend("room7", Message.of("type", "late")))).isEqualTo(GroupSendResult.EMPTY);
        String channel = layer.newChannel("after");
        join(layer.send(channel, Message.of("type", "still.works")));
        assertThat(join(layer.receive(channel)).type()).isEqualTo("still.works");
    }

    private List<String> layerThreads() {
        List<String> names = new ArrayList<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().startsWith(layer + "-")) {
                names.add(t.getName());
            }
        }
        return names;
    }

    private long sweeperThreadId() {
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().equals(layer.sweeperThreadName())) {
                return t.getId();
            }
        }
        throw new AssertionError("no sweeper thread named " + layer.sweeperThreadName());
    }

    private static <T> T join(java.util.concurrent.CompletionStage<T> stage) {
        return stage.toCompletableFuture().join();
    }

    private static void awaitCondition(Duration patience, String description, BooleanSupplier condition) {
        long deadline = System.nanoTime() + patience.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("timed out after " + patience + " waiting until " + description);
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted", e);
            }
        }
    }
}
