package dev.mux.redis.worker;

import dev.mux.layer.ChannelLayer;
import dev.mux.redis.RedisChannelLayer;
import dev.mux.redis.testing.RedisServer;
import dev.mux.worker.Worker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * What the worker tests on Redis share: a fresh {@code redis-server} per test, layer instances
 * standing for processes that share it, and workers; after each test the workers are stopped,
 * then the layers and the server closed.
 */
abstract class RedisWorkerTestSupport {

    /** Bound on every wait of these tests. */
    static final long WAIT_SECONDS = 20;

    /** The test's Redis. */
    protected RedisServer redis;
    private final List<ChannelLayer> layers = new ArrayList<>();
    private final List<Worker> workers = new ArrayList<>();

    @BeforeEach
    final void startRedis() {
        redis = RedisServer.start();
    }

    @AfterEach
    final void stopWorkersLayersAndRedis() {
        workers.forEach(w -> w.stop(Duration.ZERO));
        workers.forEach(w -> w.terminated().toCompletableFuture().handle((v, e) -> null).join());
        layers.forEach(ChannelLayer::close);
        redis.close();
    }

    /** Returns a new layer on the test's Redis, closed after the test. */
    protected final ChannelLayer newLayer() {
        // A generous command timeout: the tests share a loaded machine with Python processes.
        ChannelLayer l = RedisChannelLayer.builder().host(redis.uri()).capacity(10_000)
                .commandTimeout(Duration.ofSeconds(20)).build();
        layers.add(l);
        return l;
    }

    /** Builds and starts a worker, stopped after the test. */
    protected final Worker start(Worker.Builder b) {
        Worker w = b.build();
        workers.add(w);
        return w.start();
    }

    /** Waits up to {@link #WAIT_SECONDS} for a condition, failing the test naming it. */
    static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("timed out after " + WAIT_SECONDS + " s waiting for " + what);
            }
            Thread.sleep(5); // polling interval of a bounded wait
        }
    }
}
