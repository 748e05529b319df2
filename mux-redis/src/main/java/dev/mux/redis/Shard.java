package dev.mux.redis;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One Redis shard: its address and the two connections the layer keeps to it — one shared by
 * every command (Lettuce multiplexes and pipelines them), one for the receive loop's blocking
 * pops. Connections are opened lazily and opened again after a failed attempt; an open
 * connection reconnects by itself.
 *
 * <p>Thread-safe.
 */
final class Shard {

    /** Keys are text, values (ZSET members) are bytes. */
    static final RedisCodec<String, byte[]> CODEC = RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE);

    final int index;
    final RedisEndpoint endpoint;
    private final RedisURI uri;
    private final RedisClient client;
    private final RedisClient loopClient;
    private final AtomicReference<CompletableFuture<StatefulRedisConnection<String, byte[]>>> commands =
            new AtomicReference<>();
    private final AtomicReference<CompletableFuture<StatefulRedisConnection<String, byte[]>>> blocking =
            new AtomicReference<>();
    /** The server's run_id when last seen; a change means Redis restarted and forgot everything. */
    volatile String runId;
    private volatile boolean closed;

    /**
     * Creates a shard.
     *
     * @param client     opens the command connection, whose commands time out
     * @param loopClient opens the receive loop's connection, whose commands never time out
     *                   client-side: a command abandoned while Redis is frozen would still run
     *                   when it thaws, and a pop's reply would be lost
     */
    Shard(int index, RedisEndpoint endpoint, RedisClient client, RedisClient loopClient, Duration timeout) {
        this.index = index;
        this.endpoint = endpoint;
        this.client = client;
        this.loopClient = loopClient;
        this.uri = toRedisUri(endpoint, timeout);
    }

    /**
     * Returns the shared command connection, connecting if needed.
     *
     * @return the connection, or a failed future if Redis cannot be reached
     */
    CompletableFuture<StatefulRedisConnection<String, byte[]>> commands() {
        return connection(commands, client);
    }

    /**
     * Returns the receive loop's connection, connecting if needed.
     *
     * @return the connection, or a failed future if Redis cannot be reached
     */
    CompletableFuture<StatefulRedisConnection<String, byte[]>> blocking() {
        return connection(blocking, loopClient);
    }

    /**
     * Returns the command connection's future if a connection was started, without starting
     * one; it may still be connecting.
     *
     * @return the future, or {@code null}
     */
    CompletableFuture<StatefulRedisConnection<String, byte[]>> commandsIfStarted() {
        return commands.get();
    }

    private CompletableFuture<StatefulRedisConnection<String, byte[]>> connection(
            AtomicReference<CompletableFuture<StatefulRedisConnection<String, byte[]>>> slot, RedisClient via) {
        while (true) {
            CompletableFuture<StatefulRedisConnection<String, byte[]>> current = slot.get();
            if (current != null && !(current.isDone() && (current.isCompletedExceptionally() || !current.join().isOpen()))) {
                return current;
            }
            if (closed) {
                return CompletableFuture.failedFuture(new IllegalStateException("shard closed"));
            }
            CompletableFuture<StatefulRedisConnection<String, byte[]>> next = new CompletableFuture<>();
            if (slot.compareAndSet(current, next)) {
                via.connectAsync(CODEC, uri).whenComplete((connection, failure) -> {
                    if (failure != null) {
                        next.completeExceptionally(unwrap(failure));
                    } else if (closed) {
                        connection.closeAsync();
                        next.completeExceptionally(new IllegalStateException("shard closed"));
                    } else {
                        next.complete(connection);
                    }
                });
                return next;
            }
        }
    }

    /**
     * Runs a script by SHA-1, loading it with EVAL when Redis does not know it (first use, or
     * after a restart).
     *
     * @param connection the connection to use
     * @param script     the script
     * @param type       the reply type
     * @param keys       KEYS
     * @param args       ARGV
     * @param <T>        the reply's Java type
     * @return the reply
     */
    <T> CompletableFuture<T> eval(StatefulRedisConnection<String, byte[]> connection, Scripts.Script script,
            ScriptOutputType type, String[] keys, byte[]... args) {
        CompletableFuture<T> result = new CompletableFuture<>();
        connection.async().<T>evalsha(script.sha1(), type, keys, args).whenComplete((value, failure) -> {
            if (failure == null) {
                result.complete(value);
            } else if (unwrap(failure) instanceof RedisNoScriptException) {
                connection.async().<T>eval(script.source(), type, keys, args).whenComplete((v, f) -> {
                    if (f == null) {
                        result.complete(v);
                    } else {
                        result.completeExceptionally(unwrap(f));
                    }
                });
            } else {
                result.completeExceptionally(unwrap(failure));
            }
        });
        return result;
    }

    /** Closes both connections; pending commands on them fail. */
    void close() {
        closed = true;
        for (AtomicReference<CompletableFuture<StatefulRedisConnection<String, byte[]>>> slot
                : List.of(commands, blocking)) {
            CompletableFuture<StatefulRedisConnection<String, byte[]>> f = slot.getAndSet(null);
            if (f != null) {
                f.thenAccept(c -> {
                    try {
                        c.close();
                    } catch (RuntimeException ignored) {
                        // Already broken; nothing more to release.
                    }
                });
            }
        }
    }

    @Override
    public String toString() {
        return "shard " + index + " (" + endpoint + ")";
    }

    static Throwable unwrap(Throwable t) {
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    private static RedisURI toRedisUri(RedisEndpoint endpoint, Duration timeout) {
        RedisURI redisUri;
        if (endpoint.isSentinel()) {
            List<String> sentinels = endpoint.sentinels();
            URI first = URI.create(sentinels.get(0));
            RedisURI.Builder builder = RedisURI.Builder.sentinel(first.getHost(),
                    first.getPort() < 0 ? RedisEndpoint.DEFAULT_SENTINEL_PORT : first.getPort(), endpoint.masterName());
            for (String s : sentinels.subList(1, sentinels.size())) {
                URI u = URI.create(s);
                builder.withSentinel(u.getHost(), u.getPort() < 0 ? RedisEndpoint.DEFAULT_SENTINEL_PORT : u.getPort());
            }
            applyUserInfoAndDatabase(builder, first);
            if (first.getScheme().equalsIgnoreCase("rediss-sentinel")) {
                builder.withSsl(true);
            }
            redisUri = builder.build();
        } else {
            redisUri = RedisURI.create(endpoint.uri());
        }
        redisUri.setTimeout(timeout);
        return redisUri;
    }

    private static void applyUserInfoAndDatabase(RedisURI.Builder builder, URI uri) {
        String userInfo = uri.getRawUserInfo();
        if (userInfo != null && !userInfo.isEmpty()) {
            int colon = userInfo.indexOf(':');
            String user = colon < 0 ? "" : decode(userInfo.substring(0, colon));
            String password = decode(colon < 0 ? userInfo : userInfo.substring(colon + 1));
            if (user.isEmpty()) {
                builder.withPassword(password.toCharArray());
            } else {
                builder.withAuthentication(user, password.toCharArray());
            }
        }
        String path = uri.getPath();
        if (path != null && path.length() > 1) {
            builder.withDatabase(Integer.parseInt(path.substring(1)));
        }
    }

    private static String decode(String s) {
        return java.net.URLDecoder.decode(s, java.nio.charset.StandardCharsets.UTF_8);
    }
}
