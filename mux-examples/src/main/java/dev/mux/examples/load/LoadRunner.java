package dev.mux.examples.load;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;

/**
 * Runs one load described by a {@link LoadConfig} against a chat room and reports what
 * happened.
 *
 * <p>The run connects every client (JDK {@link java.net.http.WebSocket}, spread over
 * {@link LoadConfig#ioClients()} HTTP clients, at most {@link LoadConfig#connectConcurrency()}
 * handshakes at once), optionally sends a warm-up, then sends the measured messages from the
 * first {@link LoadConfig#senders()} connected clients, each on its own thread. It waits until
 * every expected delivery arrived, or no delivery arrived for {@link LoadConfig#idleTimeout()},
 * or the run's time bound passed; then it closes every connection and returns the report.
 *
 * <p>Latency is measured from the moment a message is handed to the client when sending back
 * to back, and from its <em>scheduled</em> send time when paced, so a server that stalls the
 * sender cannot hide the stall (no coordinated omission).
 *
 * <p>A runner runs once and is not thread-safe; {@link #run()} blocks the calling thread.
 * WebSocket callbacks run on the HTTP clients' own I/O threads (no executor hand-off), one at a
 * time per connection.
 */
public final class LoadRunner {

    private static final int MAX_ERROR_SAMPLES = 20;
    private static final Duration CLOSE_GRACE = Duration.ofSeconds(10);
    private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(50);
    private static final JsonFactory JSON = new JsonFactory();

    private final LoadConfig config;
    private final PrintStream progress;
    private final String runId = HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
    private final AtomicLong errorCount = new AtomicLong();
    private final ConcurrentLinkedQueue<String> errorSamples = new ConcurrentLinkedQueue<>();
    private final AtomicInteger sampled = new AtomicInteger();
    private final AtomicLong foreign = new AtomicLong();
    private volatile boolean closing;
    private volatile Phase warmupPhase;
    private volatile Phase measuredPhase;
    private volatile Client[] clients;
    private boolean started;
    // CPU used during the measured phase; -1 when not measured. Written by run() before report().
    private long measuredServerCpuNanos = -1;
    private long measuredOwnCpuNanos = -1;

    /**
     * Creates a runner.
     *
     * @param config what to run
     * @param progress where to print progress lines (for example {@code System.err})
     */
    public LoadRunner(LoadConfig config, PrintStream progress) {
        this.config = Objects.requireNonNull(config, "config");
        this.progress = Objects.requireNonNull(progress, "progress");
    }

    /**
     * Runs the load and reports; blocks until the run is over, at most about
     * {@link LoadConfig#maxDuration()} plus a few seconds to close the connections.
     *
     * @return the report
     * @throws IllegalStateException if called twice
     * @throws IllegalArgumentException if the server pid is not a live process
     * @throws InterruptedException if the calling thread is interrupted
     */
    public LoadReport run() throws InterruptedException {
        if (started) {
            throw new IllegalStateException("a LoadRunner runs once");
        }
        started = true;
        ServerProbe probe = config.serverPid().isPresent() ? ServerProbe.of(config.serverPid().getAsLong()) : null;
        Instant startedAt = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        long start = System.nanoTime();
        long deadline = start + config.maxDuration().toNanos();

        Long rssBefore = probe == null ? null : boxed(probe.rssKb());
        Long heapBefore = probe != null && config.jvmHeap() ? probe.liveHeapBytes() : null;

        // Frames are handled where the HTTP client reads them: its own thread per client. With
        // an executor every frame would cost a hand-off to another thread (a context switch),
        // which made the load tool take a third more CPU per delivery than the server it measures.
        // The callbacks only count and never block, so running them in place is safe.
        List<HttpClient> httpClients = new ArrayList<>();
        for (int i = 0; i < config.ioClients(); i++) {
            httpClients.add(HttpClient.newBuilder()
                    .executor(Runnable::run)
                    .connectTimeout(config.connectTimeout())
                    .build());
        }
        try {
            progress.printf(Locale.ROOT, "[%s] connecting %d clients to %s%n", config.label(), config.clients(), config.url());
            long connectStart = System.nanoTime();
            ScheduledExecutorService pinger = startPinger();
            Client[] clients;
            try {
                clients = connect(httpClients, deadline);
            } catch (InterruptedException | RuntimeException e) {
                pinger.shutdownNow();
                throw e;
            }
            long connectEnd = System.nanoTime();
            List<Client> connected = new ArrayList<>();
            List<Long> handshakeNanos = new ArrayList<>();
            for (Client c : clients) {
                if (c != null && c.socket != null) {
                    connected.add(c);
                    handshakeNanos.add(c.handshakeNanos);
                }
            }
            progress.printf(Locale.ROOT, "[%s] connected %d/%d in %.0f ms%n", config.label(), connected.size(),
                    config.clients(), (connectEnd - connectStart) / 1e6);

            Long rssConnected = probe == null ? null : boxed(probe.rssKb());
            Long heapConnected = null;
            Long heapPerConnection = null;
            Long heapConnections = null;
            if (heapBefore != null) {
                heapConnected = probe.liveHeapBytes();
                // Count after measuring: a connection the server closed meanwhile must not dilute the figure.
                long open = connected.stream().filter(c -> !c.closed).count();
                heapConnections = open;
                heapPerConnection = open == 0 ? null : (heapConnected - heapBefore) / open;
                if (open < connected.size()) {
                    error((connected.size() - open) + " connections closed before the heap was measured");
                }
            }

            int senders = Math.min(config.senders(), connected.size());
            if (senders < config.senders()) {
                error("only " + senders + " of " + config.senders() + " senders connected");
            }
            boolean truncated = false;
            if (senders > 0 && config.warmup() > 0) {
                Phase w = new Phase(BenchMessage.Phase.WARMUP, config.warmup(), senders, connected.size());
                warmupPhase = w;
                progress.printf(Locale.ROOT, "[%s] warm-up: %d message(s) per sender%n", config.label(), config.warmup());
                truncated |= send(w, connected, deadline);
                truncated |= awaitDeliveries(w, deadline);
            }
            Phase m = new Phase(BenchMessage.Phase.MEASURED, config.messages(), Math.max(senders, 1), connected.size());
            measuredPhase = m;
            if (senders > 0) {
                progress.printf(Locale.ROOT, "[%s] sending %d message(s) per sender from %d sender(s)%n",
                        config.label(), config.messages(), senders);
                long serverCpuBefore = probe == null ? -1 : probe.cpuNanos().orElse(-1);
                long ownCpuBefore = ownCpuNanos();
                truncated |= send(m, connected, deadline);
                truncated |= awaitDeliveries(m, deadline);
                long serverCpuAfter = probe == null ? -1 : probe.cpuNanos().orElse(-1);
                measuredServerCpuNanos = serverCpuBefore < 0 || serverCpuAfter < 0 ? -1 : serverCpuAfter - serverCpuBefore;
                measuredOwnCpuNanos = ownCpuBefore < 0 ? -1 : ownCpuNanos() - ownCpuBefore;
            }
            pinger.shutdownNow();
            Long rssEnd = probe == null ? null : boxed(probe.rssKb());
            Long peakRss = probe == null ? null : boxed(probe.peakRssKb());

            closeAll(connected, clients);
            long end = System.nanoTime();

            LoadReport.Server server = probe == null ? LoadReport.Server.NONE
                    : new LoadReport.Server(probe.pid(), rssBefore, rssConnected, rssEnd, peakRss,
                            heapBefore, heapConnected, heapPerConnection, heapConnections);
            return report(startedAt, clients.length, connected, handshakeNanos, connectEnd - connectStart, m,
                    warmupPhase, server, truncated, end - start);
        } finally {
            // Java 17's HttpClient has no close(): its daemon I/O thread ends once the client is
            // unreachable, after the connections are closed above.
            httpClients.clear();
        }
    }

    /** Pings every open connection that is not sending, every ping interval; a no-op executor without one. */
    private ScheduledExecutorService startPinger() {
        ScheduledExecutorService pinger = Executors.newSingleThreadScheduledExecutor(daemonThreads("load-ping-"));
        long interval = config.pingInterval().toNanos();
        if (interval > 0) {
            pinger.scheduleAtFixedRate(() -> {
                Client[] all = clients;
                for (Client c : all == null ? new Client[0] : all) {
                    WebSocket socket = c == null ? null : c.socket;
                    // Senders keep their connection busy anyway and their sends must not race a ping.
                    if (socket != null && !c.closed && c.senderIndex < 0 && !closing) {
                        socket.sendPing(ByteBuffer.allocate(0));
                    }
                }
            }, interval, interval, TimeUnit.NANOSECONDS);
        }
        return pinger;
    }

    private Client[] connect(List<HttpClient> httpClients, long deadline) throws InterruptedException {
        int n = config.clients();
        Client[] clients = new Client[n];
        this.clients = clients;
        Semaphore permits = new Semaphore(config.connectConcurrency());
        CountDownLatch done = new CountDownLatch(n);
        int launched = 0;
        for (int i = 0; i < n; i++) {
            if (!permits.tryAcquire(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                error("time bound reached while connecting: " + i + " of " + n + " handshakes started");
                break;
            }
            Client client = new Client(i);
            clients[i] = client;
            long t0 = System.nanoTime();
            launched++;
            httpClients.get(i % httpClients.size()).newWebSocketBuilder()
                    .header("Origin", config.origin())
                    .connectTimeout(config.connectTimeout())
                    .buildAsync(config.url(), client)
                    .orTimeout(config.connectTimeout().toNanos() * 2, TimeUnit.NANOSECONDS)
                    .whenComplete((socket, failure) -> {
                        try {
                            if (failure != null) {
                                client.connectFailed(failure);
                            } else {
                                client.connected(socket, System.nanoTime() - t0);
                            }
                        } finally {
                            permits.release();
                            done.countDown();
                        }
                    });
        }
        for (int i = launched; i < n; i++) {
            done.countDown();
        }
        // Every handshake ends within twice the connect timeout (orTimeout above).
        if (!done.await(config.connectTimeout().toNanos() * 2 + TimeUnit.SECONDS.toNanos(5), TimeUnit.NANOSECONDS)) {
            error("handshakes still pending after the connect timeout");
        }
        return clients;
    }

    /** Sends one phase's messages from the senders; returns whether the time bound cut it short. */
    private boolean send(Phase phase, List<Client> connected, long deadline) throws InterruptedException {
        Thread[] threads = new Thread[phase.senders];
        boolean[] cut = new boolean[phase.senders];
        long phaseStart = System.nanoTime();
        long interval = config.rate() == 0 ? 0 : (long) (1e9 / config.rate());
        for (int s = 0; s < phase.senders; s++) {
            int sender = s;
            WebSocket socket = connected.get(s).socket;
            connected.get(s).senderIndex = s;
            // Spread paced senders over the interval instead of sending in bursts.
            long offset = phase.senders == 0 ? 0 : interval * s / phase.senders;
            threads[s] = new Thread(() -> cut[sender] = sendLoop(phase, sender, socket, phaseStart + offset, interval, deadline),
                    "load-sender-" + s);
            threads[s].setDaemon(true);
            threads[s].start();
        }
        boolean truncated = false;
        for (int s = 0; s < threads.length; s++) {
            long wait = Math.max(1, deadline - System.nanoTime()) + TimeUnit.SECONDS.toNanos(35);
            threads[s].join(TimeUnit.NANOSECONDS.toMillis(wait) + 1);
            if (threads[s].isAlive()) {
                error("sender " + s + " did not finish in time");
                threads[s].interrupt();
                truncated = true;
            }
            truncated |= cut[s];
        }
        phase.sendingFinished();
        return truncated;
    }

    private boolean sendLoop(Phase phase, int sender, WebSocket socket, long firstSend, long interval, long deadline) {
        boolean windowed = config.window() > 0;
        boolean serial = config.serial();
        for (int seq = 0; seq < phase.messages; seq++) {
            if (serial && seq > 0) {
                try {
                    serial = awaitFanout(phase, sender, seq - 1, deadline);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return true;
                }
            }
            if (windowed) {
                try {
                    windowed = awaitWindow(phase, sender, seq, deadline);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return true;
                }
            }
            long stamp;
            if (interval > 0) {
                long scheduled = firstSend + seq * interval;
                long wait;
                while ((wait = scheduled - System.nanoTime()) > 0) {
                    LockSupport.parkNanos(wait);
                    if (Thread.currentThread().isInterrupted()) {
                        return true;
                    }
                }
                stamp = scheduled;
            } else {
                stamp = System.nanoTime();
            }
            if (System.nanoTime() - deadline > 0) {
                error("time bound reached: sender " + sender + " sent " + seq + " of " + phase.messages);
                return true;
            }
            // In flight once this one is sent: sent and not yet back at the sender.
            phase.maxInFlight.accumulateAndGet(seq + 1L - phase.ownDelivered.get(sender), Math::max);
            String text = new BenchMessage(runId, phase.kind, sender, seq, stamp).text(config.size());
            phase.sendNanos.set(phase.index(sender, seq), stamp);
            try {
                long timeout = Math.min(TimeUnit.SECONDS.toNanos(30), Math.max(1, deadline - System.nanoTime()));
                socket.sendText("{\"message\":\"" + text + "\"}", true).get(timeout, TimeUnit.NANOSECONDS);
            } catch (ExecutionException e) {
                error("sender " + sender + " send " + seq + " failed: " + describe(e.getCause()));
                return false;
            } catch (TimeoutException e) {
                error("sender " + sender + " send " + seq + " timed out");
                return true;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return true;
            }
            long written = System.nanoTime();
            phase.sendDelay(sender, written - stamp);
            phase.sent(sender, seq + 1L, written);
        }
        return false;
    }

    /**
     * Waits until the sender has fewer than the window's messages in flight; returns false (send
     * without a window from now on) if its own messages stopped coming back for the idle timeout,
     * which happens when the server drops them.
     */
    private boolean awaitWindow(Phase phase, int sender, int seq, long deadline) throws InterruptedException {
        long stallDeadline = System.nanoTime() + config.idleTimeout().toNanos();
        synchronized (phase.windowMonitor) {
            while (seq - phase.ownDelivered.get(sender) >= config.window()) {
                long now = System.nanoTime();
                long left = Math.min(stallDeadline, deadline) - now;
                if (left <= 0) {
                    error("sender " + sender + ": no own message came back for " + config.idleTimeout().toMillis()
                            + " ms with " + config.window() + " in flight; sending on without the window");
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(phase.windowMonitor, left);
            }
        }
        return true;
    }

    /**
     * Waits until a message reached every connected client; returns false (stop waiting from now
     * on) if it did not within the idle timeout, which happens when the server drops it for some.
     */
    private boolean awaitFanout(Phase phase, int sender, int seq, long deadline) throws InterruptedException {
        long stallDeadline = System.nanoTime() + config.idleTimeout().toNanos();
        int i = phase.index(sender, seq);
        synchronized (phase.windowMonitor) {
            while (phase.fanoutCount.get(i) < phase.receivers) {
                long left = Math.min(stallDeadline, deadline) - System.nanoTime();
                if (left <= 0) {
                    error("sender " + sender + ": message " + seq + " did not reach every client within "
                            + config.idleTimeout().toMillis() + " ms; sending on without waiting");
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(phase.windowMonitor, left);
            }
        }
        return true;
    }

    /** Waits for a phase's deliveries; returns whether the time bound cut it short. */
    private boolean awaitDeliveries(Phase phase, long deadline) throws InterruptedException {
        long idle = config.idleTimeout().toNanos();
        while (true) {
            if (phase.allDelivered.isDone()) {
                return false;
            }
            long now = System.nanoTime();
            long lastActivity = Math.max(phase.lastDelivery.get(), phase.lastSendDone.get());
            if (now - lastActivity > idle) {
                return false;
            }
            if (now - deadline > 0) {
                error("time bound reached while waiting for deliveries");
                return true;
            }
            try {
                phase.allDelivered.get(Math.min(POLL_NANOS, Math.max(1, deadline - now)), TimeUnit.NANOSECONDS);
                return false;
            } catch (TimeoutException e) {
                // Check the idle and time bounds again.
            } catch (ExecutionException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    private void closeAll(List<Client> connected, Client[] all) throws InterruptedException {
        closing = true;
        List<CompletableFuture<WebSocket>> closes = new ArrayList<>();
        for (Client c : connected) {
            try {
                closes.add(c.socket.sendClose(WebSocket.NORMAL_CLOSURE, "done").toCompletableFuture());
            } catch (RuntimeException e) {
                c.socket.abort();
            }
        }
        try {
            CompletableFuture.allOf(closes.toArray(CompletableFuture[]::new))
                    .get(CLOSE_GRACE.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            // Some closes failed or hung: abort whatever is still open below.
        }
        for (Client c : connected) {
            c.socket.abort();
        }
        // A handshake that finished after its timeout opened a socket nobody counted: abort it too.
        for (Client c : all) {
            WebSocket late = c == null ? null : c.opened;
            if (late != null && c.socket == null) {
                late.abort();
            }
        }
    }

    private LoadReport report(Instant startedAt, int attempted, List<Client> connected, List<Long> handshakeNanos,
                              long connectNanos, Phase m, Phase w, LoadReport.Server server, boolean truncated,
                              long totalNanos) {
        long[] hs = handshakeNanos.stream().mapToLong(Long::longValue).toArray();
        LoadReport.Connect connect = new LoadReport.Connect(attempted, connected.size(), attempted - connected.size(),
                round3(connectNanos / 1e6), LatencyStats.of(hs).toMillis());

        long[] sentPerSender = m.sentPerSender();
        long sentTotal = 0;
        for (long s : sentPerSender) {
            sentTotal += s;
        }
        long lost = 0;
        long duplicates = 0;
        long reordered = 0;
        long unique = 0;
        int latencyCount = 0;
        for (Client c : connected) {
            synchronized (c) {
                latencyCount += c.latencies.size();
            }
        }
        long[] latencies = new long[latencyCount];
        int offset = 0;
        for (Client c : connected) {
            synchronized (c) {
                lost += c.ledger.lost(sentPerSender);
                duplicates += c.ledger.duplicates();
                reordered += c.ledger.reordered();
                unique += c.ledger.unique();
                offset += c.latencies.copyTo(latencies, offset);
            }
        }
        long expected = sentTotal * connected.size();
        long firstSend = m.firstSend.get();
        double sendMillis = sentTotal == 0 ? 0 : (m.lastSendDone.get() - firstSend) / 1e6;
        double windowMillis = unique == 0 ? 0 : (m.lastDelivery.get() - firstSend) / 1e6;
        LoadReport.Sent sent = new LoadReport.Sent(sentTotal, round3(sendMillis),
                sendMillis <= 0 ? 0 : round3(sentTotal / (sendMillis / 1e3)), m.maxInFlight.get(),
                LatencyStats.of(m.sendDelays()).toMillis());
        LoadReport.Deliveries deliveries = new LoadReport.Deliveries(expected, unique, lost, duplicates, reordered,
                foreign.get(), round3(windowMillis), windowMillis <= 0 ? 0 : round3(unique / (windowMillis / 1e3)));

        long complete = 0;
        long incomplete = 0;
        long[] fanout = new long[(int) Math.min(Integer.MAX_VALUE, sentTotal)];
        for (int s = 0; s < sentPerSender.length; s++) {
            for (int seq = 0; seq < sentPerSender[s]; seq++) {
                int i = m.index(s, seq);
                if (m.fanoutCount.get(i) >= connected.size()) {
                    fanout[(int) complete++] = m.fanoutLast.get(i) - m.sendNanos.get(i);
                } else {
                    incomplete++;
                }
            }
        }
        LoadReport.Fanout fan = new LoadReport.Fanout(complete, incomplete,
                LatencyStats.of(fanout, (int) complete).toMillis());
        LoadReport.Warmup warm = w == null ? new LoadReport.Warmup(0, 0, 0)
                : new LoadReport.Warmup(w.sentTotal(), w.sentTotal() * connected.size(), w.delivered.get());
        LoadReport.Settings settings = new LoadReport.Settings(config.clients(), config.senders(), config.messages(),
                config.rate(), config.window(), config.serial(), config.warmup(), config.size());
        LoadReport.Cpu cpu = new LoadReport.Cpu(cpuSeconds(measuredServerCpuNanos),
                perDelivery(measuredServerCpuNanos, unique), cpuSeconds(measuredOwnCpuNanos),
                perDelivery(measuredOwnCpuNanos, unique));
        return new LoadReport(config.label(), config.url().toString(), startedAt.toString(), settings, connect, sent,
                deliveries, LatencyStats.of(latencies).toMillis(), fan, warm,
                new LoadReport.Errors(errorCount.get(), List.copyOf(errorSamples)), server, cpu, truncated,
                round3(totalNanos / 1e9));
    }

    private static Double cpuSeconds(long nanos) {
        return nanos < 0 ? null : round3(nanos / 1e9);
    }

    private static Double perDelivery(long nanos, long deliveries) {
        return nanos < 0 || deliveries == 0 ? null : round3(nanos / 1e3 / deliveries);
    }

    /** This process's CPU time so far, or -1 where the JVM does not tell it. */
    private static long ownCpuNanos() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getProcessCpuTime();
        }
        return -1;
    }

    private void error(String text) {
        errorCount.incrementAndGet();
        if (sampled.getAndIncrement() < MAX_ERROR_SAMPLES) {
            errorSamples.add(text);
        }
    }

    private static String describe(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String msg = root.getMessage();
        return root.getClass().getSimpleName() + (msg == null ? "" : ": " + msg);
    }

    private static Long boxed(OptionalLong v) {
        return v.isPresent() ? v.getAsLong() : null;
    }

    private static double round3(double v) {
        return Math.round(v * 1000) / 1000.0;
    }

    private static java.util.concurrent.ThreadFactory daemonThreads(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + n.getAndIncrement());
            t.setDaemon(true);
            return t;
        };
    }

    /** The shared state of one phase (warm-up or measured): sends, delivery counts, fan-out. */
    private static final class Phase {
        final BenchMessage.Phase kind;
        final int messages;
        final int senders;
        final int receivers;
        final AtomicLongArray sentPerSender;
        final AtomicLongArray sendNanos;
        final AtomicIntegerArray fanoutCount;
        final AtomicLongArray fanoutLast;
        final AtomicLong delivered = new AtomicLong();
        // Each sender's own messages back at itself, for the window; guarded waits on windowMonitor.
        final AtomicLongArray ownDelivered;
        final Object windowMonitor = new Object();
        final AtomicLong maxInFlight = new AtomicLong();
        final AtomicLong firstSend = new AtomicLong(Long.MAX_VALUE);
        final AtomicLong lastSendDone = new AtomicLong(Long.MIN_VALUE);
        final AtomicLong lastDelivery = new AtomicLong(Long.MIN_VALUE);
        // One per sender; locked because a sender that outlived its join may still add.
        final LongRecorder[] sendDelays;
        final CompletableFuture<Void> allDelivered = new CompletableFuture<>();
        volatile long expected = Long.MAX_VALUE;

        Phase(BenchMessage.Phase kind, int messages, int senders, int receivers) {
            this.kind = kind;
            this.messages = messages;
            this.senders = senders;
            this.receivers = receivers;
            int slots = Math.multiplyExact(messages, senders);
            this.sentPerSender = new AtomicLongArray(senders);
            this.ownDelivered = new AtomicLongArray(senders);
            this.sendNanos = new AtomicLongArray(slots);
            this.fanoutCount = new AtomicIntegerArray(slots);
            this.fanoutLast = new AtomicLongArray(slots);
            this.sendDelays = new LongRecorder[senders];
            for (int s = 0; s < senders; s++) {
                sendDelays[s] = new LongRecorder(messages);
            }
        }

        void sendDelay(int sender, long nanos) {
            LongRecorder r = sendDelays[sender];
            synchronized (r) {
                r.add(nanos);
            }
        }

        long[] sendDelays() {
            long[][] parts = new long[sendDelays.length][];
            int total = 0;
            for (int s = 0; s < parts.length; s++) {
                LongRecorder r = sendDelays[s];
                synchronized (r) {
                    parts[s] = new long[r.size()];
                    r.copyTo(parts[s], 0);
                }
                total += parts[s].length;
            }
            long[] out = new long[total];
            int offset = 0;
            for (long[] part : parts) {
                System.arraycopy(part, 0, out, offset, part.length);
                offset += part.length;
            }
            return out;
        }

        int index(int sender, long seq) {
            return (int) (sender * (long) messages + seq);
        }

        void sent(int sender, long count, long doneNanos) {
            sentPerSender.set(sender, count);
            firstSend.accumulateAndGet(sendNanos.get(index(sender, 0)), Math::min);
            lastSendDone.accumulateAndGet(doneNanos, Math::max);
        }

        long[] sentPerSender() {
            long[] out = new long[senders];
            for (int s = 0; s < senders; s++) {
                out[s] = sentPerSender.get(s);
            }
            return out;
        }

        long sentTotal() {
            long total = 0;
            for (long s : sentPerSender()) {
                total += s;
            }
            return total;
        }

        void sendingFinished() {
            expected = sentTotal() * receivers;
            if (delivered.get() >= expected) {
                allDelivered.complete(null);
            }
        }

        void ownMessageBack(int sender) {
            ownDelivered.incrementAndGet(sender);
            synchronized (windowMonitor) {
                windowMonitor.notifyAll();
            }
        }

        void deliveredOne(int sender, long seq, long now) {
            lastDelivery.accumulateAndGet(now, Math::max);
            int i = index(sender, seq);
            fanoutLast.accumulateAndGet(i, now, Math::max);
            if (fanoutCount.incrementAndGet(i) == receivers) {
                synchronized (windowMonitor) {
                    windowMonitor.notifyAll();
                }
            }
            if (delivered.incrementAndGet() >= expected) {
                allDelivered.complete(null);
            }
        }
    }

    /** One WebSocket connection: receives frames and accounts for them. */
    private final class Client implements WebSocket.Listener {
        final int index;
        // Guarded by this: written by the connection's callbacks, read by the reporting thread.
        final DeliveryLedger ledger = new DeliveryLedger(config.senders(), config.messages());
        final LongRecorder latencies = new LongRecorder(Math.min(config.messages() * config.senders(), 1 << 16));
        private final StringBuilder partial = new StringBuilder();
        volatile WebSocket socket;
        volatile WebSocket opened;
        volatile long handshakeNanos;
        // The sender number of this connection, or -1 if it only receives.
        volatile int senderIndex = -1;
        volatile boolean closed;

        Client(int index) {
            this.index = index;
        }

        void connected(WebSocket socket, long nanos) {
            this.handshakeNanos = nanos;
            this.socket = socket;
        }

        void connectFailed(Throwable failure) {
            error("client " + index + " connect failed: " + describe(failure));
        }

        @Override
        public void onOpen(WebSocket webSocket) {
            opened = webSocket;
            // The frames are handled synchronously, so no flow control is needed.
            webSocket.request(Long.MAX_VALUE);
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            long now = System.nanoTime();
            if (!last) {
                partial.append(data);
                return null;
            }
            String frame;
            if (partial.length() > 0) {
                frame = partial.append(data).toString();
                partial.setLength(0);
            } else {
                frame = data.toString();
            }
            handle(frame, now);
            return null;
        }

        private void handle(String frame, long now) {
            Optional<BenchMessage> parsed = messageText(frame).flatMap(BenchMessage::parse);
            if (parsed.isEmpty() || !parsed.get().run().equals(runId)) {
                foreign.incrementAndGet();
                return;
            }
            BenchMessage msg = parsed.get();
            if (msg.phase() == BenchMessage.Phase.WARMUP) {
                Phase w = warmupPhase;
                if (w != null && msg.sender() < w.senders && msg.seq() < w.messages) {
                    // Own count first: a serial sender woken by the fan-out then sees it back.
                    if (msg.sender() == senderIndex) {
                        w.ownMessageBack(msg.sender());
                    }
                    w.deliveredOne(msg.sender(), msg.seq(), now);
                } else {
                    foreign.incrementAndGet();
                }
                return;
            }
            Phase m = measuredPhase;
            DeliveryLedger.Outcome outcome;
            synchronized (this) {
                outcome = ledger.record(msg.sender(), msg.seq());
                if (outcome == DeliveryLedger.Outcome.FIRST) {
                    latencies.add(now - msg.sentNanos());
                }
            }
            if (outcome == DeliveryLedger.Outcome.OUT_OF_RANGE || m == null) {
                foreign.incrementAndGet();
            } else if (outcome == DeliveryLedger.Outcome.FIRST) {
                if (msg.sender() == senderIndex) {
                    m.ownMessageBack(msg.sender());
                }
                m.deliveredOne(msg.sender(), msg.seq(), now);
            }
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
            if (last) {
                foreign.incrementAndGet();
            }
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closed = true;
            if (!closing) {
                error("client " + index + " closed by the server: " + statusCode + " " + reason);
            }
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            closed = true;
            if (!closing) {
                error("client " + index + " failed: " + describe(error));
            }
        }
    }

    /** Extracts the "message" string of a chat frame such as {"message": "..."}; empty if there is none. */
    static Optional<String> messageText(String frame) {
        try (JsonParser p = JSON.createParser(frame)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return Optional.empty();
            }
            JsonToken t;
            while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken value = p.nextToken();
                if ("message".equals(name) && value == JsonToken.VALUE_STRING) {
                    return Optional.of(p.getText());
                }
                p.skipChildren();
            }
            return Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
