package dev.mux.examples.bench;

import dev.mux.layer.ChannelLayer;
import dev.mux.layer.Message;
import dev.mux.redis.RedisChannelLayer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Measures {@link RedisChannelLayer} on a real Redis: send-to-receive throughput on one
 * process-local channel, and group fan-out to many members in one process. It does the same
 * work as {@code src/main/python/bench_channels_redis.py} does with channels_redis, so that the
 * two figures can be divided.
 *
 * <p>Run it through {@code scripts/bench-redis.sh}, which starts a private Redis, or directly:
 * <pre>{@code
 * mvn -B -q -pl mux-examples -am package -DskipTests dependency:build-classpath \
 *     -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=runtime
 * java -cp mux-examples/target/classes:$(cat mux-examples/target/bench.classpath) \
 *     dev.mux.examples.bench.RedisLayerBench --host redis://127.0.0.1:6379 \
 *     --messages 20000 --window 64 --members 1000 --group-sends 200 --rounds 3 --warmup-seconds 20
 * }</pre>
 *
 * <p>Workloads (the message is {@code {"type": "bench.message", "text": "hello world", "n": i}}):
 * <ul>
 *   <li><b>send→receive</b>: up to {@code window} sends in flight while one receiver takes
 *       every message; messages per second from the first send to the last receive.</li>
 *   <li><b>group fan-out</b>: {@code members} process-local channels in one group, each with
 *       a receiver; {@code group-sends} group sends, up to {@code window} in flight;
 *       deliveries (group sends × members) per second from the first send to the last
 *       delivery.</li>
 * </ul>
 * Each workload is first repeated untimed for {@code warmup-seconds} (default
 * {@value #DEFAULT_WARMUP_SECONDS}, at least one full-size round) so that the timed rounds run
 * JIT-compiled code; the best round is reported,
 * with the least CPU time the whole process spent per message or delivery in any round
 * ({@code *_cpu_us}, microseconds), a figure less disturbed than throughput by other load on
 * the machine.
 * The capacity is raised so nothing is dropped: this measures throughput, not overload. The
 * benchmark deletes every key under its prefix (default {@code benchjava}) before and after.
 *
 * <p>Not thread-safe; a command-line program.
 */
public final class RedisLayerBench {

    /**
     * How long each workload is repeated untimed before the timed rounds. The JIT compiler
     * needs several rounds of this work before the code runs compiled (on a busy two-core
     * machine, tens of seconds): shorter warm-ups measure the compiler, not the layer.
     */
    public static final int DEFAULT_WARMUP_SECONDS = 20;

    private final List<String> hosts = new ArrayList<>();
    private String prefix = "benchjava";
    private int messages = 20_000;
    private int window = 64;
    private int members = 1000;
    private int groupSends = 200;
    private int rounds = 3;
    private int warmupSeconds = DEFAULT_WARMUP_SECONDS;

    private RedisLayerBench() {
    }

    /**
     * Runs the benchmark and prints one JSON object on standard output.
     *
     * @param args {@code --host <redis uri>} (repeatable, for shards), {@code --prefix},
     *             {@code --messages}, {@code --window}, {@code --members},
     *             {@code --group-sends}, {@code --rounds}, {@code --warmup-seconds}
     * @throws Exception if the layer fails or a workload does not finish in time
     */
    public static void main(String[] args) throws Exception {
        RedisLayerBench bench = new RedisLayerBench();
        bench.parse(args);
        System.out.println(bench.run());
        // Lettuce's threads are daemon or closed; exit explicitly anyway so that a stuck
        // thread cannot keep the benchmark script waiting.
        System.exit(0);
    }

    private void parse(String[] args) {
        for (int i = 0; i < args.length; i++) {
            String name = args[i];
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException("option " + name + " needs a value");
            }
            String value = args[++i];
            switch (name) {
                case "--host" -> hosts.add(value);
                case "--prefix" -> prefix = value;
                case "--messages" -> messages = positive(name, value);
                case "--window" -> window = positive(name, value);
                case "--members" -> members = positive(name, value);
                case "--group-sends" -> groupSends = positive(name, value);
                case "--rounds" -> rounds = positive(name, value);
                case "--warmup-seconds" -> warmupSeconds = nonNegative(name, value);
                default -> throw new IllegalArgumentException("unknown option " + name
                        + "; known: --host --prefix --messages --window --members --group-sends --rounds"
                        + " --warmup-seconds");
            }
        }
        if (hosts.isEmpty()) {
            throw new IllegalArgumentException("--host redis://127.0.0.1:<port> is required");
        }
    }

    private static int nonNegative(String name, String value) {
        int n;
        try {
            n = Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a non-negative integer, was '" + value + "'");
        }
        if (n < 0) {
            throw new IllegalArgumentException(name + " must be a non-negative integer, was " + n);
        }
        return n;
    }

    private static int positive(String name, String value) {
        int n;
        try {
            n = Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a positive integer, was '" + value + "'");
        }
        if (n < 1) {
            throw new IllegalArgumentException(name + " must be a positive integer, was " + n);
        }
        return n;
    }

    private String run() throws Exception {
        RedisChannelLayer.Builder builder = RedisChannelLayer.builder()
                .prefix(prefix)
                .capacity(Math.max(messages, groupSends) + 100)
                .commandTimeout(Duration.ofSeconds(30));
        hosts.forEach(builder::host);
        try (RedisChannelLayer layer = builder.build()) {
            layer.flush().toCompletableFuture().get(60, TimeUnit.SECONDS);

            long warmupEnd = System.nanoTime() + TimeUnit.SECONDS.toNanos(warmupSeconds);
            do {
                sendReceive(layer, messages); // warm-up: at least one round
            } while (System.nanoTime() < warmupEnd);
            List<Double> sendRates = new ArrayList<>();
            List<Double> sendCpu = new ArrayList<>();
            for (int r = 0; r < rounds; r++) {
                long cpu = processCpuNanos();
                sendRates.add(messages / sendReceive(layer, messages));
                sendCpu.add((processCpuNanos() - cpu) / 1e3 / messages);
            }

            warmupEnd = System.nanoTime() + TimeUnit.SECONDS.toNanos(warmupSeconds);
            int warmups = 0;
            do {
                fanOut(layer, "bench-fanout-warmup-" + warmups++, members, groupSends);
            } while (System.nanoTime() < warmupEnd);
            List<Double> fanRates = new ArrayList<>();
            List<Double> fanCpu = new ArrayList<>();
            long deliveries = (long) members * groupSends;
            for (int r = 0; r < rounds; r++) {
                long cpu = processCpuNanos();
                double seconds = fanOut(layer, "bench-fanout-" + r, members, groupSends);
                fanCpu.add((processCpuNanos() - cpu) / 1e3 / deliveries);
                fanRates.add(deliveries / seconds);
            }
            layer.flush().toCompletableFuture().get(60, TimeUnit.SECONDS);

            return String.format(Locale.ROOT, "{\"impl\": \"mux %s\", \"messages\": %d, \"window\": %d, "
                            + "\"send_receive_per_s\": %.1f, \"send_receive_rounds\": %s, "
                            + "\"send_receive_cpu_us\": %.2f, "
                            + "\"members\": %d, \"group_sends\": %d, "
                            + "\"fanout_deliveries_per_s\": %.1f, \"fanout_rounds\": %s, "
                            + "\"fanout_cpu_us\": %.3f, \"warmup_seconds\": %d}",
                    version(), messages, window, best(sendRates), format(sendRates), least(sendCpu),
                    members, groupSends, best(fanRates), format(fanRates), least(fanCpu), warmupSeconds);
        }
    }

    /** Returns the seconds from the first send to the last receive of {@code count} messages. */
    private double sendReceive(ChannelLayer layer, int count) throws Exception {
        String channel = layer.newChannel("bench");
        CountDownLatch received = new CountDownLatch(count);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        long start = System.nanoTime();
        receiveLoop(layer, channel, count, received, failure);
        Semaphore inFlight = new Semaphore(window);
        for (int i = 0; i < count && failure.get() == null; i++) {
            inFlight.acquire();
            layer.send(channel, message(i)).whenComplete((v, e) -> {
                inFlight.release();
                if (e != null) {
                    fail(received, failure, e);
                }
            });
        }
        await(received, failure, "send->receive of " + count + " messages");
        return (System.nanoTime() - start) / 1e9;
    }

    /** Returns the seconds from the first group send to the last of all deliveries. */
    private double fanOut(ChannelLayer layer, String group, int memberCount, int sends) throws Exception {
        List<String> channels = new ArrayList<>(memberCount);
        List<CompletableFuture<Void>> adds = new ArrayList<>(memberCount);
        for (int i = 0; i < memberCount; i++) {
            String channel = layer.newChannel("bench");
            channels.add(channel);
            adds.add(layer.groupAdd(group, channel).toCompletableFuture());
        }
        CompletableFuture.allOf(adds.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);

        CountDownLatch delivered = new CountDownLatch(memberCount * sends);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        long start = System.nanoTime();
        for (String channel : channels) {
            receiveLoop(layer, channel, sends, delivered, failure);
        }
        Semaphore inFlight = new Semaphore(window);
        for (int i = 0; i < sends && failure.get() == null; i++) {
            inFlight.acquire();
            layer.groupSend(group, message(i)).whenComplete((result, e) -> {
                inFlight.release();
                if (e != null) {
                    fail(delivered, failure, e);
                } else if (result.dropped() > 0) {
                    fail(delivered, failure, new IllegalStateException(
                            "group send dropped " + result.dropped() + " deliveries; raise the capacity"));
                }
            });
        }
        await(delivered, failure, "fan-out of " + sends + " group sends to " + memberCount + " members");
        double seconds = (System.nanoTime() - start) / 1e9;
        List<CompletableFuture<Void>> discards = new ArrayList<>(memberCount);
        for (String channel : channels) {
            discards.add(layer.groupDiscard(group, channel).toCompletableFuture());
        }
        CompletableFuture.allOf(discards.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
        return seconds;
    }

    /**
     * Receives {@code remaining} messages on {@code channel}, counting each down on the latch.
     * Receives that are already complete are taken in a loop rather than by recursion, so a
     * long backlog cannot overflow the stack.
     */
    private static void receiveLoop(ChannelLayer layer, String channel, int remaining, CountDownLatch latch,
                                    AtomicReference<Throwable> failure) {
        int left = remaining;
        while (left > 0 && failure.get() == null) {
            CompletableFuture<Message> next = layer.receive(channel).toCompletableFuture();
            if (!next.isDone()) {
                int after = left - 1;
                next.whenComplete((m, e) -> {
                    if (e != null) {
                        fail(latch, failure, e);
                    } else {
                        latch.countDown();
                        receiveLoop(layer, channel, after, latch, failure);
                    }
                });
                return;
            }
            try {
                next.join();
            } catch (RuntimeException e) {
                fail(latch, failure, e);
                return;
            }
            latch.countDown();
            left--;
        }
    }

    private static void fail(CountDownLatch latch, AtomicReference<Throwable> failure, Throwable e) {
        failure.compareAndSet(null, e);
        while (latch.getCount() > 0) {
            latch.countDown();
        }
    }

    private static void await(CountDownLatch latch, AtomicReference<Throwable> failure, String what)
            throws Exception {
        if (!latch.await(5, TimeUnit.MINUTES)) {
            throw new IllegalStateException(what + " did not finish within 5 minutes; "
                    + latch.getCount() + " outstanding");
        }
        Throwable e = failure.get();
        if (e != null) {
            throw new IllegalStateException(what + " failed", e);
        }
    }

    private static Message message(int n) {
        return Message.of("type", "bench.message", "text", "hello world", "n", n);
    }

    /** CPU time of this whole process (every thread: layer, Lettuce, GC, JIT), in nanoseconds. */
    private static long processCpuNanos() {
        java.lang.management.OperatingSystemMXBean os = java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.OperatingSystemMXBean hotspot) {
            return hotspot.getProcessCpuTime();
        }
        return 0;
    }

    private static double least(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).min().orElse(0);
    }

    private static double best(List<Double> rates) {
        return rates.stream().mapToDouble(Double::doubleValue).max().orElse(0);
    }

    private static String format(List<Double> rates) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < rates.size(); i++) {
            sb.append(i == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.1f", rates.get(i)));
        }
        return sb.append(']').toString();
    }

    private static String version() {
        String v = RedisChannelLayer.class.getPackage().getImplementationVersion();
        return v == null ? "0.1.0-SNAPSHOT" : v;
    }
}
