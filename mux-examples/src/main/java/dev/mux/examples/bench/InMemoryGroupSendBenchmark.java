package dev.mux.examples.bench;

import dev.mux.inmemory.InMemoryChannelLayer;
import dev.mux.layer.GroupSendResult;
import dev.mux.layer.LayerOptions;
import dev.mux.layer.Message;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Group send fan-out of {@link InMemoryChannelLayer} to 1,000 members, in deliveries per
 * second, against a loop of {@link LinkedBlockingQueue}s as the ceiling.
 *
 * <p>One invocation sends one message to a group of {@value #MEMBERS} process-local channels
 * and receives it on every member, so the channels never fill and every invocation delivers to
 * all members; JMH divides by {@value #MEMBERS}, so the score is deliveries per second, each
 * delivery being one queued (or handed-over) copy plus its receive. The peer offers the
 * message to 1,000 queues and polls each once.
 *
 * <p><b>Threading:</b> one JMH worker thread.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class InMemoryGroupSendBenchmark {

    /** Members of the group. */
    public static final int MEMBERS = 1_000;

    private static final Message MESSAGE = Message.of("type", "room.news", "text", "hello, everyone", "n", 7);
    private static final String GROUP = "bench-room";

    private InMemoryChannelLayer layer;
    private final List<String> members = new ArrayList<>(MEMBERS);
    private final List<LinkedBlockingQueue<Message>> queues = new ArrayList<>(MEMBERS);

    /** Creates the layer, the group and the peer queues. */
    @Setup(Level.Trial)
    public void setUp() {
        layer = new InMemoryChannelLayer(LayerOptions.defaults());
        for (int i = 0; i < MEMBERS; i++) {
            String member = layer.newChannel("member");
            members.add(member);
            layer.groupAdd(GROUP, member).toCompletableFuture().join();
            queues.add(new LinkedBlockingQueue<>());
        }
    }

    /** Closes the layer. */
    @TearDown(Level.Trial)
    public void tearDown() {
        layer.close();
    }

    /**
     * Sends one message to the group, then receives it on every member.
     *
     * @param blackhole consumes what each member received
     */
    @Benchmark
    @OperationsPerInvocation(MEMBERS)
    public void layerFanOutThenReceive(Blackhole blackhole) {
        GroupSendResult result = layer.groupSend(GROUP, MESSAGE).toCompletableFuture().join();
        blackhole.consume(result);
        for (String member : members) {
            blackhole.consume(layer.receive(member).toCompletableFuture().join());
        }
    }

    /**
     * Starts a receive on every member, then sends one message to the group, which completes
     * every waiting receive: the path of consumers idling in their receive loop.
     *
     * @param blackhole consumes what each member received
     */
    @Benchmark
    @OperationsPerInvocation(MEMBERS)
    public void layerFanOutToWaitingReceivers(Blackhole blackhole) {
        List<CompletableFuture<Message>> waiting = new ArrayList<>(MEMBERS);
        for (String member : members) {
            waiting.add(layer.receive(member).toCompletableFuture());
        }
        blackhole.consume(layer.groupSend(GROUP, MESSAGE).toCompletableFuture().join());
        for (CompletableFuture<Message> w : waiting) {
            blackhole.consume(w.join());
        }
    }

    /**
     * Peer: offers the message to 1,000 queues, then polls each once.
     *
     * @param blackhole consumes what each queue gave
     */
    @Benchmark
    @OperationsPerInvocation(MEMBERS)
    public void queueFanOut(Blackhole blackhole) {
        for (LinkedBlockingQueue<Message> q : queues) {
            q.offer(MESSAGE);
        }
        for (LinkedBlockingQueue<Message> q : queues) {
            blackhole.consume(q.poll());
        }
    }
}
