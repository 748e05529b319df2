package dev.mux.examples.bench;

import dev.mux.inmemory.InMemoryChannelLayer;
import dev.mux.layer.LayerOptions;
import dev.mux.layer.Message;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;

/**
 * Send→receive throughput of {@link InMemoryChannelLayer} with 1 and 8 producer threads,
 * against a {@link LinkedBlockingQueue} handoff as the ceiling.
 *
 * <p>One operation is one message through the channel: the thread sends it, then receives one
 * message from the same channel. All threads share the channel, so with 8 threads they contend
 * on it as producers and consumers of one busy channel would; a receive never waits because
 * every thread sends before it receives. The queue benchmarks do exactly the same with
 * {@code put} and {@code take} on one shared queue.
 *
 * <p>{@link #layerHandoffToWaitingReceiver} measures the other delivery path: a receive is
 * already waiting (as a consumer's receive loop is) and the send completes its future.
 *
 * <p><b>Threading:</b> JMH calls the benchmark methods from its worker threads; the shared
 * layer and queue are thread-safe.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class InMemorySendReceiveBenchmark {

    private static final Message MESSAGE = Message.of("type", "bench.message", "text", "hello", "n", 42);

    private InMemoryChannelLayer layer;
    private String channel;
    private BlockingQueue<Message> queue;

    /** Creates the layer, the shared channel name and the peer queue. */
    @Setup(Level.Trial)
    public void setUp() {
        layer = new InMemoryChannelLayer(LayerOptions.defaults());
        channel = layer.newChannel("bench");
        queue = new LinkedBlockingQueue<>();
    }

    /** Closes the layer. */
    @TearDown(Level.Trial)
    public void tearDown() {
        layer.close();
    }

    /**
     * One thread: send a message, then receive it.
     *
     * @return the received message, consumed by JMH
     */
    @Benchmark
    @Threads(1)
    public Message layerOneProducer() {
        return sendThenReceive();
    }

    /**
     * Eight threads on one channel: each sends a message, then receives one.
     *
     * @return the received message, consumed by JMH
     */
    @Benchmark
    @Threads(8)
    public Message layerEightProducers() {
        return sendThenReceive();
    }

    /**
     * Peer, one thread: {@code put} then {@code take} on a {@link LinkedBlockingQueue}.
     *
     * @return the taken message, consumed by JMH
     * @throws InterruptedException if JMH interrupts the thread
     */
    @Benchmark
    @Threads(1)
    public Message queueOneProducer() throws InterruptedException {
        queue.put(MESSAGE);
        return queue.take();
    }

    /**
     * Peer, eight threads on one queue: each puts a message, then takes one.
     *
     * @return the taken message, consumed by JMH
     * @throws InterruptedException if JMH interrupts the thread
     */
    @Benchmark
    @Threads(8)
    public Message queueEightProducers() throws InterruptedException {
        queue.put(MESSAGE);
        return queue.take();
    }

    /**
     * One thread: start a receive on an empty channel, then send; the send completes the
     * waiting receive.
     *
     * @return the received message, consumed by JMH
     */
    @Benchmark
    @Threads(1)
    public Message layerHandoffToWaitingReceiver() {
        CompletableFuture<Message> waiting = layer.receive(channel).toCompletableFuture();
        layer.send(channel, MESSAGE).toCompletableFuture().join();
        return waiting.join();
    }

    private Message sendThenReceive() {
        layer.send(channel, MESSAGE).toCompletableFuture().join();
        return layer.receive(channel).toCompletableFuture().join();
    }
}
