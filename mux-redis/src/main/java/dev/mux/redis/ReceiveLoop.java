package dev.mux.redis;

import io.lettuce.core.KeyValue;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.ScoredValue;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.UnblockType;
import io.lettuce.core.ZPopArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The receive loop of one shard: while any receive waits, pops messages from the keys that
 * have waiting receives — this process's keys and any normal channels received on — and
 * hands them to the {@link Inbox}.
 *
 * <p>Each round first runs {@link Scripts#POP_BATCH} (on this process's keys the
 * channels_redis {@code $inflight} cleanup, then up to a batch of messages backed up in
 * {@code $inflight}; on normal channels an atomic pop); when that finds nothing it blocks in
 * {@code BZPOPMIN} on all those keys for up to {@value #BLOCK_SECONDS} s, and for this
 * process's keys backs the popped message up in {@code $inflight} as channels_redis does,
 * dispatches it, and acknowledges by removing the backup. When a receive starts waiting on
 * a key the blocked pop does not watch, the pop is cut short with {@code CLIENT UNBLOCK}.
 *
 * <p>When every waiting receive is on this process's keys (the usual case: consumers) and the
 * server has {@code BZMPOP} (Redis 7.0 and later), the loop blocks in {@code BZMPOP ... MIN
 * COUNT} instead and, after a pop that found some but fewer than a full batch, blocks again at
 * once: one round trip per batch of messages instead of three (the blocking pop, the batch
 * script, {@code CLIENT ID}). A pop that timed out goes through the full step, so the loop
 * idles once no receive waits. The backup and the acknowledgement of each batch are pipelined before
 * the next pop, so the server has removed the backup before it blocks again, as in the slower
 * path. The connection's client id is asked once per connection, not before every pop.
 *
 * <p>The loop's connection has no client-side timeouts: a frozen server makes the loop wait
 * rather than abandon a pop that the server would still execute once it thaws (its message
 * would be lost).
 * Failures back off exponentially with full jitter up to the configured maximum.
 *
 * <p>Thread-safe; the loop itself runs on Redis I/O threads and the layer's scheduler, one
 * step at a time.
 */
final class ReceiveLoop {

    /** How long one blocking pop waits at the server; channels_redis' {@code brpop_timeout}. */
    static final long BLOCK_SECONDS = 5;

    private final long blockSeconds;
    /** How many messages one round takes from a process key. */
    static final int PROCESS_BATCH = 100;

    private static final Logger log = LoggerFactory.getLogger(ReceiveLoop.class);
    private static final long MIN_DELAY_MILLIS = 10;
    private static final int UNBLOCK_ATTEMPTS = 200;

    private final RedisChannelLayer layer;
    private final Shard shard;
    private final Inbox inbox;
    private final long maxDelayMillis;
    private final AtomicBoolean running = new AtomicBoolean();
    private final Object blockLock = new Object();
    private volatile boolean stopped;
    /** Guarded by blockLock: the pop in flight, the client blocked in it, its demand version. */
    private long blockGeneration;
    private boolean blocking;
    private long blockedClientId = -1;
    private long blockedVersion;
    private java.util.Set<String> blockedKeys = java.util.Set.of();
    /**
     * The CLIENT ID of {@link #idConnection}, the loop connection it was asked on; -1 until
     * known. Forgotten when that connection reconnects or a pop fails. Guarded by blockLock.
     */
    private long knownClientId = -1;
    private Object idConnection;
    /** Whether the server may have BZMPOP; cleared for good when it refuses the command. */
    private volatile boolean multiPop = true;
    /** Only touched by the loop's current step. */
    private int failures;

    ReceiveLoop(RedisChannelLayer layer, Shard shard, Inbox inbox, long maxDelayMillis, long blockSeconds) {
        this.blockSeconds = blockSeconds;
        this.layer = layer;
        this.shard = shard;
        this.inbox = inbox;
        this.maxDelayMillis = maxDelayMillis;
    }

    /** Starts the loop if it is idle and receives are waiting. */
    void kick() {
        // Read before the compare-and-set: every receive calls this, and the loop mostly runs.
        if (!stopped && !running.get() && running.compareAndSet(false, true)) {
            step();
        }
    }

    /** Stops the loop; a step in flight ends when its connection closes. */
    void stop() {
        stopped = true;
    }

    /**
     * Forgets the client id learned on a connection that reconnected or closed: the server
     * gives the new link another id.
     *
     * @param connection the connection Lettuce reports on
     */
    void connectionReset(Object connection) {
        synchronized (blockLock) {
            if (idConnection == connection) {
                knownClientId = -1;
                idConnection = null;
            }
        }
    }

    /** Cuts a blocked pop short if it does not watch every key that has a waiting receive. */
    void wake() {
        wake(0);
    }

    private void wake(int attempt) {
        long clientId;
        long generation;
        // Read the demand before taking blockLock: the inbox's lock is never taken inside it.
        Inbox.Demand demand = inbox.demand();
        synchronized (blockLock) {
            if (stopped || !blocking || blockedClientId < 0 || blockedVersion == demand.version()
                    || blockedKeys.containsAll(java.util.Arrays.asList(demand.keys()))) {
                // Not blocked, or the blocked pop already watches every key that has a waiter
                // (a key whose receives left and came back is still watched).
                return;
            }
            clientId = blockedClientId;
            generation = blockGeneration;
        }
        // The unblock goes over the shard's command connection, opened now if this process has
        // not sent anything to the shard yet (otherwise the pop would wait out its timeout).
        shard.commands().thenCompose(commands -> commands.async().clientUnblock(clientId, UnblockType.TIMEOUT))
                .whenComplete((unblocked, failure) -> {
                    if (failure == null && unblocked == 0 && attempt >= UNBLOCK_ATTEMPTS) {
                        // Never blocked under that id: it may be stale. Ask again next time.
                        synchronized (blockLock) {
                            if (knownClientId == clientId) {
                                knownClientId = -1;
                                idConnection = null;
                            }
                        }
                    } else if (failure == null && unblocked == 0) {
                        // The pop was sent but not yet blocked at the server: try again shortly.
                        synchronized (blockLock) {
                            if (!blocking || blockGeneration != generation) {
                                return;
                            }
                        }
                        layer.schedule(() -> wake(attempt + 1), 5);
                    }
                });
    }

    private void step() {
        if (stopped) {
            running.set(false);
            return;
        }
        Inbox.Demand demand = inbox.demand();
        if (demand.isEmpty()) {
            running.set(false);
            // A receive may have started waiting after the snapshot and seen the loop running.
            if (!inbox.demand().isEmpty() && running.compareAndSet(false, true)) {
                layer.schedule(this::step, 0);
            }
            return;
        }
        shard.blocking().whenComplete((connection, failure) -> {
            if (failure != null) {
                failed("connect", failure);
            } else {
                popBatch(connection, demand);
            }
        });
    }

    private void popBatch(StatefulRedisConnection<String, byte[]> connection, Inbox.Demand demand) {
        String[] keys = demand.keys();
        byte[][] counts = new byte[keys.length][];
        for (int i = 0; i < keys.length; i++) {
            int count = keys[i].endsWith("!") ? PROCESS_BATCH : demand.waiting()[i];
            counts[i] = Integer.toString(count).getBytes(StandardCharsets.US_ASCII);
        }
        shard.<List<Object>>eval(connection, Scripts.POP_BATCH, ScriptOutputType.MULTI, keys, counts)
                .whenComplete((perKey, failure) -> {
                    if (failure != null) {
                        failed("pop", failure);
                        return;
                    }
                    int popped = 0;
                    Inbox.Deliveries deliveries = new Inbox.Deliveries();
                    for (int i = 0; i < keys.length; i++) {
                        List<?> pairs = (List<?>) perKey.get(i);
                        if (pairs == null || pairs.isEmpty()) {
                            continue;
                        }
                        for (int j = 0; j + 1 < pairs.size(); j += 2) {
                            byte[] member = (byte[]) pairs.get(j);
                            double score = Double.parseDouble(new String((byte[]) pairs.get(j + 1),
                                    StandardCharsets.US_ASCII));
                            layer.dispatch(shard, connection, keys[i], member, score, deliveries);
                        }
                        int n = pairs.size() / 2;
                        popped += n;
                        if (keys[i].endsWith("!")) {
                            acknowledge(connection, keys[i], n);
                        }
                    }
                    inbox.complete(deliveries);
                    succeeded();
                    if (popped > 0 || demand.version() != inbox.version()) {
                        step();
                    } else {
                        block(connection, demand);
                    }
                });
    }

    private void block(StatefulRedisConnection<String, byte[]> connection, Inbox.Demand demand) {
        long generation;
        long id;
        synchronized (blockLock) {
            generation = ++blockGeneration;
            blocking = true;
            id = idConnection == connection ? knownClientId : -1;
            blockedClientId = id;
            blockedVersion = demand.version();
            blockedKeys = java.util.Set.of(demand.keys());
        }
        if (id < 0) {
            // CLIENT ID and the pop go out back to back on the same connection: once the id is
            // known, the pop is next in line at the server.
            connection.async().clientId().whenComplete((clientId, failure) -> {
                if (clientId != null) {
                    synchronized (blockLock) {
                        knownClientId = clientId;
                        idConnection = connection;
                        if (!blocking || blockGeneration != generation) {
                            return;
                        }
                        blockedClientId = clientId;
                    }
                    wake();
                }
            });
        }
        if (multiPop && onlyProcessKeys(demand.keys())) {
            multiPop(connection, demand, generation);
        } else {
            singlePop(connection, demand, generation);
        }
        if (id >= 0) {
            // Demand that changed since the snapshot is not watched by this pop.
            wake();
        }
    }

    private void singlePop(StatefulRedisConnection<String, byte[]> connection, Inbox.Demand demand, long generation) {
        connection.async().bzpopmin(blockSeconds, demand.keys()).whenComplete((popped, failure) -> {
            unblocked(generation);
            if (failure != null) {
                failed("blocking pop", failure);
                return;
            }
            if (popped != null && popped.hasValue()) {
                accept(connection, popped);
            }
            succeeded();
            step();
        });
    }

    private void multiPop(StatefulRedisConnection<String, byte[]> connection, Inbox.Demand demand, long generation) {
        connection.async().bzmpop(blockSeconds, (long) PROCESS_BATCH, ZPopArgs.Builder.min(), demand.keys())
                .whenComplete((popped, failure) -> {
                    unblocked(generation);
                    if (failure != null) {
                        if (isUnknownCommand(failure)) {
                            multiPop = false;
                            log.info("{} {}: the server has no BZMPOP (Redis before 7.0); popping one message"
                                    + " per round trip", layer, shard);
                            step();
                        } else {
                            failed("blocking pop", failure);
                        }
                        return;
                    }
                    int count = 0;
                    if (popped != null && popped.hasValue()) {
                        count = popped.getValue().size();
                        acceptBatch(connection, popped.getKey(), popped.getValue());
                    }
                    succeeded();
                    if (count > 0 && count < PROCESS_BATCH && !stopped && demand.version() == inbox.version()) {
                        // The key is most likely empty now: block again at once. (A full batch,
                        // new demand or a pop that timed out goes through step(), which also
                        // restores any backup, and lets the loop idle once nothing waits.)
                        block(connection, demand);
                    } else {
                        step();
                    }
                });
    }

    private void unblocked(long generation) {
        synchronized (blockLock) {
            if (blockGeneration == generation) {
                blocking = false;
                blockedClientId = -1;
            }
        }
    }

    private static boolean onlyProcessKeys(String[] keys) {
        for (String key : keys) {
            if (!key.endsWith("!")) {
                return false;
            }
        }
        return keys.length > 0;
    }

    private static boolean isUnknownCommand(Throwable failure) {
        Throwable cause = Shard.unwrap(failure);
        return cause instanceof RedisCommandExecutionException && cause.getMessage() != null
                && cause.getMessage().startsWith("ERR unknown command");
    }

    private void accept(StatefulRedisConnection<String, byte[]> connection,
            KeyValue<String, ScoredValue<byte[]>> popped) {
        String key = popped.getKey();
        ScoredValue<byte[]> value = popped.getValue();
        Inbox.Deliveries deliveries = new Inbox.Deliveries();
        if (!key.endsWith("!")) {
            // A normal channel is never backed up (see Scripts.POP_BATCH).
            layer.dispatch(shard, connection, key, value.getValue(), value.getScore(), deliveries);
            inbox.complete(deliveries);
            return;
        }
        // Back up, dispatch, acknowledge: channels_redis' protocol on this process's own key.
        String inflight = key + "$inflight";
        connection.async().zadd(inflight, value.getScore(), value.getValue());
        layer.dispatch(shard, connection, key, value.getValue(), value.getScore(), deliveries);
        inbox.complete(deliveries);
        acknowledge(connection, key, 1);
    }

    private void acceptBatch(StatefulRedisConnection<String, byte[]> connection, String key,
            List<ScoredValue<byte[]>> values) {
        // Back up, dispatch, acknowledge, as accept() does for one message.
        List<ScoredValue<byte[]>> backup = new ArrayList<>(values.size());
        for (ScoredValue<byte[]> value : values) {
            if (value.hasValue()) {
                backup.add(value);
            }
        }
        if (backup.isEmpty()) {
            return;
        }
        @SuppressWarnings("unchecked")
        ScoredValue<byte[]>[] members = backup.toArray(new ScoredValue[0]);
        connection.async().zadd(key + "$inflight", members);
        Inbox.Deliveries deliveries = new Inbox.Deliveries();
        for (ScoredValue<byte[]> value : backup) {
            layer.dispatch(shard, connection, key, value.getValue(), value.getScore(), deliveries);
        }
        inbox.complete(deliveries);
        acknowledge(connection, key, backup.size());
    }

    /**
     * Removes the backups of the {@code count} messages just dispatched from {@code key$inflight}:
     * the set holds exactly those (each pop restores and empties it first), lowest scores first.
     * channels_redis pops them with ZPOPMIN; removing them by rank has the same effect without
     * sending every message back (a group message to 1,000 channels is 70 KB).
     */
    private static void acknowledge(StatefulRedisConnection<String, byte[]> connection, String key, int count) {
        connection.async().zremrangebyrank(key + "$inflight", 0, count - 1);
    }

    private void succeeded() {
        if (failures > 0) {
            log.info("{} {}: receive loop recovered after {} failed attempts", layer, shard, failures);
            failures = 0;
        }
    }

    private void failed(String what, Throwable failure) {
        if (stopped) {
            running.set(false);
            return;
        }
        synchronized (blockLock) {
            knownClientId = -1;
            idConnection = null;
        }
        failures++;
        long ceiling = Math.min(maxDelayMillis, MIN_DELAY_MILLIS << Math.min(failures, 20));
        long delay = ThreadLocalRandom.current().nextLong(MIN_DELAY_MILLIS, Math.max(MIN_DELAY_MILLIS + 1, ceiling + 1));
        Throwable cause = Shard.unwrap(failure);
        if (failures == 1 || failures % 20 == 0) {
            log.warn("{} {}: receive loop {} failed ({} attempt(s)): {}; retrying in {} ms", layer, shard, what,
                    failures, cause.toString(), delay);
        } else {
            log.debug("{} {}: receive loop {} failed again: {}", layer, shard, what, cause.toString());
        }
        layer.schedule(this::step, delay);
    }
}
