package dev.mux.redis;

import dev.mux.MuxException;
import dev.mux.layer.CapacityRule;
import dev.mux.layer.ChannelFullException;
import dev.mux.layer.ChannelLayer;
import dev.mux.layer.ChannelNames;
import dev.mux.layer.GroupSendResult;
import dev.mux.layer.LayerChecks;
import dev.mux.layer.LayerClosedException;
import dev.mux.layer.LayerOptions;
import dev.mux.layer.LayerUnavailableException;
import dev.mux.layer.Message;
import dev.mux.observe.DropCause;
import dev.mux.observe.LayerOperation;
import dev.mux.observe.MuxListener;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.SslOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.event.connection.ConnectionActivatedEvent;
import io.lettuce.core.event.connection.ConnectionDeactivatedEvent;
import io.lettuce.core.output.IntegerOutput;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.CommandType;
import io.lettuce.core.protocol.ProtocolVersion;
import io.lettuce.core.protocol.RedisCommand;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;
import io.lettuce.core.resource.DefaultClientResources;
import io.lettuce.core.resource.NettyCustomizer;
import io.netty.channel.Channel;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.netty.util.Timeout;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;

/**
 * A channel layer over Redis, wire-compatible with Python's channels_redis 4.x: a Django
 * Channels process and a Java process on the same Redis (same hosts, prefix, expiries and
 * encryption keys) send to each other's channels and share groups.
 *
 * <h2>What it stores, exactly as channels_redis does</h2>
 * <ul>
 *   <li>A channel's queue is the sorted set {@code {prefix}{name}}; all process-local channels
 *       of one process ({@code specific.<process>!<id>}) share the set of their non-local part
 *       {@code {prefix}specific.<process>!}, and the full name travels in the message under
 *       {@code __asgi_channel__} (a string for a send, a list for a group send). Members are 12
 *       random bytes followed by the msgpack message (or its Fernet token); scores are the
 *       send time in epoch seconds. Messages popped from this process's own key are backed
 *       up in {@code {prefix}{name}$inflight} until acknowledged. A normal channel's
 *       {@code $inflight} set is left alone: the channel is shared (workers in several
 *       processes, Java or Python, take turns on it) and channels_redis' restore of that set
 *       would hand a message another process is still handling to a second receiver. A
 *       message popped for a normal-channel receive that was cancelled meanwhile goes back to
 *       the head of the queue rather than into this process's memory.</li>
 *   <li>A group is the sorted set {@code {prefix}:group:{group}} of full channel names scored by
 *       the time they were added.</li>
 *   <li>Channels and groups map to shards by channels_redis' CRC32 ring.</li>
 * </ul>
 *
 * <h2>How it runs</h2>
 * Each shard gets two connections, whatever the number of channels: one shared by all
 * commands (pipelined) and one for the receive loop, which pops this process's messages (on
 * <em>every</em> shard, since channels_redis' {@code send} may place them on any shard) and
 * hands them to the waiting receives. {@code send} and {@code groupAdd} cost one round trip;
 * {@code groupSend} takes one to read the group and one per shard holding members (in
 * parallel), with the per-process messages built here rather than in Lua, which keeps the work
 * of the shared Redis per group send small. Commands issued close together leave in one write.
 * When Redis is
 * unreachable or frozen, operations fail with {@link LayerUnavailableException} within
 * {@link RedisLayerOptions#commandTimeout()} (an operation that must first open the connection
 * gets that time once to connect and once to be answered); waiting receives keep waiting while
 * the loop reconnects with backoff; after Redis restarted (and forgot everything), the group
 * memberships of this layer's live process-local channels are added again.
 *
 * <pre>{@code
 * try (RedisChannelLayer layer = RedisChannelLayer.builder()
 *         .host("redis://127.0.0.1:6379")
 *         .capacity(100)
 *         .build()) {
 *     String me = layer.newChannel();
 *     layer.groupAdd("chat_lobby", me).toCompletableFuture().join();
 *     layer.groupSend("chat_lobby", Message.of("type", "chat.message", "text", "hi"));
 *     Message m = layer.receive(me).toCompletableFuture().join();
 * }
 * }</pre>
 *
 * <h2>Visibility</h2>
 * A {@link MuxListener} ({@link Builder#listener}) hears every send, group send and receive,
 * every failed operation (with {@link LayerUnavailableException} while Redis is down or
 * frozen), every message dropped — {@link DropCause#CHANNEL_FULL}, {@link DropCause#EXPIRED},
 * {@link DropCause#BUFFER_FULL}, {@link DropCause#UNDECODABLE} (garbage in this process's key:
 * logged and skipped, the receive loop goes on), {@link DropCause#UNROUTABLE} — and each
 * connection to Redis lost and re-established.
 *
 * <p><b>Limits</b>: Redis Cluster is not supported (the scripts touch keys of several slots,
 * as channels_redis' do); {@link #flush()} uses {@code KEYS}, which blocks a large Redis.
 *
 * <p><b>Threading:</b> thread-safe; every method may be called from any thread and none
 * blocks. Returned stages complete on the layer's callback threads (never on Redis I/O
 * threads), so dependent actions may call the layer again; they should not block for long.
 */
public final class RedisChannelLayer implements ChannelLayer {

    /** How long a popped message of a normal channel waits for a local receive before it goes back to Redis. */
    private static final long PARK_MILLIS = 250;
    /** How often a reconnection's restart check asks again when its INFO is refused. */
    private static final int RESTART_CHECK_ATTEMPTS = 100;
    private static final long RESTART_CHECK_RETRY_MILLIS = 100;

    private static final Logger log = LoggerFactory.getLogger(RedisChannelLayer.class);
    private static final AtomicInteger INSTANCES = new AtomicInteger();
    private static final int UUID_HEX = 32;
    /** The most commands whose flushes are held back for one write. */
    private static final int FLUSH_AFTER_COMMANDS = 256;

    private final RedisLayerOptions options;
    private final LayerOptions layerOptions;
    private final String name;
    private final String prefix;
    private final String clientPrefix;
    private final String localSuffix;
    private final MessageCodec codec;
    private final ClientResources resources;
    private final RedisClient client;
    private final RedisClient loopClient;
    private final List<Shard> shards;
    private final List<ReceiveLoop> loops;
    private final Inbox inbox;
    private final CallbackExecutor callbacks;
    private final Disposable connectionEvents;
    private final ScheduledFuture<?> sweeper;
    private final long commandTimeoutMillis;
    private final long expiryMicros;
    private final long groupExpiryMicros;
    private final byte[] expiryMillisArg;
    private final byte[] groupExpiryMillisArg;
    private final byte[] capacityArg;
    private final AtomicLong lastScoreMicros = new AtomicLong();
    private final AtomicLong undeliverable = new AtomicLong();
    /** Group memberships of this layer's own channels, with the score they were added at. */
    private final Map<String, Map<String, Double>> memberships = new ConcurrentHashMap<>();
    private final MuxListener listener;
    /** Connections lost per remote address and not yet re-established. */
    private final Map<String, AtomicInteger> lostConnections = new ConcurrentHashMap<>();
    private volatile boolean closed;

    private RedisChannelLayer(RedisLayerOptions options, MuxListener listener, long blockSeconds) {
        this.options = Objects.requireNonNull(options, "options must not be null");
        this.listener = MuxListener.guarded(Objects.requireNonNull(listener, "listener must not be null"));
        this.layerOptions = options.layerOptions();
        this.name = "RedisChannelLayer#" + INSTANCES.incrementAndGet();
        this.prefix = options.prefix();
        this.clientPrefix = UUID.randomUUID().toString().replace("-", "");
        this.localSuffix = "." + clientPrefix + "!";
        long ttl = (long) Math.ceil(layerOptions.expiry().toMillis() / 1000.0) + 10;
        this.codec = new MessageCodec(options.symmetricEncryptionKeys().isEmpty() ? null
                : new Fernet.Keys(options.symmetricEncryptionKeys()), ttl);
        this.commandTimeoutMillis = Math.max(1, options.commandTimeout().toMillis());
        this.expiryMicros = layerOptions.expiry().toNanos() / 1000;
        this.groupExpiryMicros = layerOptions.groupExpiry().toNanos() / 1000;
        this.expiryMillisArg = ascii(Math.max(1, layerOptions.expiry().toMillis()));
        this.groupExpiryMillisArg = ascii(Math.max(1, layerOptions.groupExpiry().toMillis()));
        this.capacityArg = ascii(layerOptions.capacity());

        this.resources = DefaultClientResources.builder()
                .reconnectDelay(Delay.fullJitter(Duration.ofMillis(10), options.maxReconnectDelay(), 10,
                        TimeUnit.MILLISECONDS))
                .nettyCustomizer(new NettyCustomizer() {
                    @Override
                    public void afterChannelInitialized(Channel channel) {
                        // Lettuce flushes every command on its own: one write system call each,
                        // which on loopback also runs Redis' side of TCP. This handler turns the
                        // flushes of commands issued close together (or while replies are being
                        // read) into one write, delayed at most until the event loop's next task.
                        channel.pipeline().addFirst(new FlushConsolidationHandler(FLUSH_AFTER_COMMANDS, true));
                    }
                })
                .build();
        this.client = RedisClient.create(resources);
        client.setOptions(clientOptions(options, true));
        this.loopClient = RedisClient.create(resources);
        loopClient.setOptions(clientOptions(options, false));
        this.callbacks = new CallbackExecutor(name, Math.max(2, Runtime.getRuntime().availableProcessors()));
        List<Shard> shardList = new ArrayList<>();
        for (RedisEndpoint endpoint : options.endpoints()) {
            shardList.add(new Shard(shardList.size(), endpoint, client, loopClient, options.commandTimeout()));
        }
        this.shards = List.copyOf(shardList);
        this.inbox = new Inbox(layerOptions, callbacks, this::demandChanged,
                (cause, count) -> this.listener.dropped(name, cause, count));
        List<ReceiveLoop> loopList = new ArrayList<>();
        for (Shard shard : shards) {
            loopList.add(new ReceiveLoop(this, shard, inbox, options.maxReconnectDelay().toMillis(), blockSeconds));
        }
        this.loops = List.copyOf(loopList);
        loopClient.addListener(new RedisConnectionStateListener() {
            @Override
            public void onRedisConnected(RedisChannelHandler<?, ?> connection, SocketAddress address) {
                loops.forEach(loop -> loop.connectionReset(connection));
            }

            @Override
            public void onRedisDisconnected(RedisChannelHandler<?, ?> connection) {
                loops.forEach(loop -> loop.connectionReset(connection));
            }
        });
        this.connectionEvents = resources.eventBus().get()
                .subscribe(event -> {
                    if (event instanceof ConnectionActivatedEvent activated) {
                        connectionActivated(String.valueOf(activated.remoteAddress()));
                        schedule(this::checkForRestarts, 0);
                    } else if (event instanceof ConnectionDeactivatedEvent deactivated) {
                        connectionDeactivated(String.valueOf(deactivated.remoteAddress()));
                    }
                });
        this.sweeper = resources.eventExecutorGroup().scheduleWithFixedDelay(this::sweep, 1, 1, TimeUnit.SECONDS);
        log.debug("{} created: {}, process {}", name, options, clientPrefix);
    }

    /**
     * Creates a layer; no connection is made until the first operation.
     *
     * @param options the configuration
     * @return a new layer, to be {@linkplain #close() closed} after use
     */
    public static RedisChannelLayer create(RedisLayerOptions options) {
        return new RedisChannelLayer(options, MuxListener.NOOP, ReceiveLoop.BLOCK_SECONDS);
    }

    /**
     * Creates a layer that reports what it does to a listener; no connection is made until
     * the first operation.
     *
     * @param options  the configuration
     * @param listener hears sends, receives, failures, drops and reconnections; called on the
     *                 layer's callback and Redis I/O threads, never under a lock
     * @return a new layer, to be {@linkplain #close() closed} after use
     */
    public static RedisChannelLayer create(RedisLayerOptions options, MuxListener listener) {
        return new RedisChannelLayer(options, listener, ReceiveLoop.BLOCK_SECONDS);
    }

    /** For tests: a layer whose blocking pops wait longer at the server, to expose missed wake-ups. */
    static RedisChannelLayer create(RedisLayerOptions options, long blockSeconds) {
        return new RedisChannelLayer(options, MuxListener.NOOP, blockSeconds);
    }

    /**
     * Starts a builder with channels_redis' defaults.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public LayerOptions options() {
        return layerOptions;
    }

    /**
     * Returns the full configuration of this layer.
     *
     * @return the options it was created with
     */
    public RedisLayerOptions redisOptions() {
        return options;
    }

    /**
     * Returns the process id in this layer's channel names: 32 hex digits, as channels_redis'
     * {@code client_prefix}.
     *
     * @return the id
     */
    public String clientPrefix() {
        return clientPrefix;
    }

    // ---------------------------------------------------------------------------------------
    // Channel layer operations

    /**
     * {@inheritDoc}
     *
     * <p>The message goes to the sorted set of the channel's non-local part on the shard that
     * part hashes to (channels_redis hashes the full name here, which with several shards can
     * strand messages for Python receivers — channels_redis#221; hashing the non-local part
     * reaches them), after trimming expired messages; the set's TTL is refreshed to the
     * expiry. The channel's capacity counts every message in that set.
     *
     * @throws IllegalArgumentException also if the message contains {@code __asgi_channel__},
     *                                  which only the layer may set, or a string with a lone
     *                                  surrogate, which has no UTF-8 form (the same holds for
     *                                  {@link #groupSend})
     */
    @Override
    public CompletionStage<Void> send(String channel, Message message) {
        LayerChecks.requireSend(channel, message);
        requireNoRoutingKey(message);
        if (closed) {
            return CompletableFuture.failedFuture(closedException("send"));
        }
        String nonLocal = ChannelNames.nonLocalPart(channel);
        String key = prefix + nonLocal;
        Shard shard = shardFor(nonLocal);
        int capacity = layerOptions.capacityFor(channel);
        byte[] member = codec.member(codec.body(message), ChannelNames.isProcessLocal(channel) ? channel : null);
        long now = nextScoreMicros();
        byte[][] args = {member, score(now), score(now - expiryMicros),
            capacity == layerOptions.capacity() ? capacityArg : ascii(capacity), expiryMillisArg};
        return observe(LayerOperation.SEND, run(() -> "send to " + channel, shard,
                connection -> shard.<Long>eval(connection, Scripts.SEND, ScriptOutputType.INTEGER,
                        new String[] {key}, args).thenApply(queued -> {
                            if (queued == 0L) {
                                throw new ChannelFullException(channel, capacity);
                            }
                            return null;
                        })), v -> listener.layerSent(name, channel));
    }

    /**
     * {@inheritDoc}
     *
     * <p>A process-local name must come from this layer's {@link #newChannel}. The wait
     * survives Redis outages: the receive loop reconnects and the receive completes once a
     * message arrives; only {@link #close()} or cancellation ends it otherwise.
     */
    @Override
    public CompletionStage<Message> receive(String channel) {
        ChannelNames.requireValidChannel(channel);
        String key;
        if (ChannelNames.isProcessLocal(channel)) {
            String nonLocal = ChannelNames.nonLocalPart(channel);
            if (!nonLocal.endsWith(localSuffix)) {
                throw new IllegalArgumentException("channel '" + channel + "' is process-local to another layer;"
                        + " this layer receives only names from its own newChannel (process " + clientPrefix + ")");
            }
            key = prefix + nonLocal;
        } else {
            key = prefix + channel;
        }
        if (closed) {
            return CompletableFuture.failedFuture(closedException("receive"));
        }
        CompletableFuture<Message> result = inbox.receive(channel, key);
        if (listener != MuxListener.NOOP) {
            result.whenComplete((m, failure) -> {
                if (m != null) {
                    listener.layerReceived(name, channel);
                }
            });
        }
        if (closed) {
            // close() may have failed the waiters just before this one registered.
            result.completeExceptionally(closedException("receive"));
        }
        return result;
    }

    /**
     * {@inheritDoc}
     *
     * <p>The name is {@code prefix + "." + clientPrefix() + "!" + random hex}, as channels_redis
     * names them; the random part is 32 hex digits (a UUID4) unless the prefix is longer than
     * 33 characters, when it is shortened so the name stays within
     * {@value ChannelNames#MAX_NAME_LENGTH} characters (at least 25 hex digits).
     */
    @Override
    public String newChannel(String prefix) {
        ChannelNames.requireValidPrefix(prefix);
        String random = UUID.randomUUID().toString().replace("-", "");
        int room = ChannelNames.MAX_NAME_LENGTH - 1 - prefix.length() - localSuffix.length();
        return prefix + localSuffix + random.substring(0, Math.min(UUID_HEX, room));
    }

    /**
     * {@inheritDoc}
     *
     * <p>{@code ZADD {prefix}:group:{group} now channel} and a TTL of the group expiry on the
     * group's shard, as channels_redis.
     */
    @Override
    public CompletionStage<Void> groupAdd(String group, String channel) {
        LayerChecks.requireGroupMember(group, channel);
        if (closed) {
            return CompletableFuture.failedFuture(closedException("groupAdd"));
        }
        String key = groupKey(group);
        Shard shard = shardFor(group);
        double score = nextScoreMicros() / 1e6;
        byte[] member = channel.getBytes(StandardCharsets.UTF_8);
        CompletableFuture<Void> result = observe(LayerOperation.GROUP_ADD, run(() -> "groupAdd of " + channel + " to " + group, shard, connection -> {
            CompletableFuture<Long> added = connection.async().zadd(key, score, member).toCompletableFuture();
            CompletableFuture<Boolean> expiring = connection.async()
                    .pexpire(key, layerOptions.groupExpiry().toMillis()).toCompletableFuture();
            return CompletableFuture.allOf(added, expiring);
        }), null);
        if (isOwn(channel)) {
            // Tracked at once, not when Redis answers: the caller may discard the membership as
            // soon as the add completes, and a record made after that discard would be restored
            // (for a channel long gone) whenever Redis restarts. A failed add is forgotten again.
            memberships.compute(group, (g, m) -> {
                Map<String, Double> members = m == null ? new ConcurrentHashMap<>() : m;
                members.put(channel, score);
                return members;
            });
            result.whenComplete((v, failure) -> {
                if (failure != null || closed) {
                    memberships.computeIfPresent(group, (g, m) -> {
                        m.remove(channel, score);
                        return m.isEmpty() ? null : m;
                    });
                }
            });
        }
        return result;
    }

    @Override
    public CompletionStage<Void> groupDiscard(String group, String channel) {
        LayerChecks.requireGroupMember(group, channel);
        if (closed) {
            return CompletableFuture.failedFuture(closedException("groupDiscard"));
        }
        memberships.computeIfPresent(group, (g, members) -> {
            members.remove(channel);
            return members.isEmpty() ? null : members;
        });
        String key = groupKey(group);
        Shard shard = shardFor(group);
        byte[] member = channel.getBytes(StandardCharsets.UTF_8);
        return observe(LayerOperation.GROUP_DISCARD, run(() -> "groupDiscard of " + channel + " from " + group, shard,
                connection -> connection.async().zrem(key, member).thenApply(removed -> (Void) null)), null);
    }

    /**
     * {@inheritDoc}
     *
     * <p>As channels_redis: lapsed memberships are trimmed, members are grouped by Redis key
     * (one message per process, listing its channels in {@code __asgi_channel__}), and each
     * key gets the message unless it holds its capacity (the capacity of the key's first
     * member). The result counts member channels, so a dropped key counts every member
     * channel behind it.
     */
    @Override
    public CompletionStage<GroupSendResult> groupSend(String group, Message message) {
        LayerChecks.requireGroupSend(group, message);
        requireNoRoutingKey(message);
        if (closed) {
            return CompletableFuture.failedFuture(closedException("groupSend"));
        }
        String groupKey = groupKey(group);
        Shard groupShard = shardFor(group);
        long now = nextScoreMicros();
        Supplier<String> operation = () -> "groupSend to " + group;
        MessageCodec.Body body = codec.body(message);
        byte[] groupCutoff = score(now - groupExpiryMicros);
        // Trim and read the group as two plain commands, sent together: ZRANGE in a script
        // would turn every member into a Lua string, and building the per-process messages in
        // Lua costs Redis (shared by every process) microseconds per member; here the client
        // builds them and Redis only stores them. Several round trips, perhaps to several
        // shards: bounded as a whole by the timeout.
        return observe(LayerOperation.GROUP_SEND, runBounded(operation, groupShard, connection -> {
            RedisFuture<Long> trimmed = connection.async().dispatch(CommandType.ZREMRANGEBYSCORE,
                    new IntegerOutput<>(Shard.CODEC),
                    new CommandArgs<>(Shard.CODEC).addKey(groupKey).add(0).add(groupCutoff));
            RedisFuture<List<byte[]>> members = connection.async().zrange(groupKey, 0, -1);
            return members.thenCombine(trimmed, (names, count) -> names)
                    .thenCompose(names -> deliverToMembers(operation, group, names, body, now));
        }), result -> groupSent(group, result));
    }

    /**
     * Delivers a group message: one message per Redis key (process), listing that process's
     * member channels, stored with one script call per shard. Member names are used as the
     * bytes Redis returned: they go back into the messages unchanged.
     */
    private CompletableFuture<GroupSendResult> deliverToMembers(Supplier<String> operation, String group,
            List<byte[]> members, MessageCodec.Body body, long now) {
        if (members == null || members.isEmpty()) {
            return CompletableFuture.completedFuture(GroupSendResult.EMPTY);
        }
        // Bucket member channels by their non-local part (the Redis key's suffix), in first-seen
        // order; consecutive members of one process (the common case) skip the map.
        Map<String, List<byte[]>> namesByLocal = new LinkedHashMap<>();
        byte[] lastName = null;
        int lastLength = -1;
        List<byte[]> lastNames = null;
        for (byte[] name : members) {
            int length = nonLocalLength(name);
            if (length != lastLength || !Arrays.equals(name, 0, length, lastName, 0, length)) {
                lastNames = namesByLocal.computeIfAbsent(new String(name, 0, length, StandardCharsets.UTF_8),
                        k -> new ArrayList<>());
                lastName = name;
                lastLength = length;
            }
            lastNames.add(name);
        }
        Map<Shard, List<String>> localsByShard = new LinkedHashMap<>();
        for (String local : namesByLocal.keySet()) {
            localsByShard.computeIfAbsent(shardFor(local), s -> new ArrayList<>()).add(local);
        }
        byte[] scoreArg = score(now);
        byte[] cutoffArg = score(now - expiryMicros);
        boolean capacityRules = !layerOptions.channelCapacities().isEmpty();
        List<CompletableFuture<GroupSendResult>> parts = new ArrayList<>(localsByShard.size());
        for (Map.Entry<Shard, List<String>> entry : localsByShard.entrySet()) {
            Shard shard = entry.getKey();
            List<String> locals = entry.getValue();
            int n = locals.size();
            String[] keys = new String[n];
            int[] channels = new int[n];
            byte[][] args = new byte[2 * n + 3][];
            for (int i = 0; i < n; i++) {
                List<byte[]> names = namesByLocal.get(locals.get(i));
                keys[i] = prefix + locals.get(i);
                channels[i] = names.size();
                args[i] = codec.groupMember(body, names);
                // As channels_redis: the key's capacity is that of its first member channel.
                args[n + i] = capacityRules
                        ? ascii(layerOptions.capacityFor(new String(names.get(0), StandardCharsets.UTF_8)))
                        : capacityArg;
            }
            args[2 * n] = scoreArg;
            args[2 * n + 1] = cutoffArg;
            args[2 * n + 2] = expiryMillisArg;
            parts.add(shard.commands().thenCompose(connection -> shard.<List<Object>>eval(connection,
                    Scripts.GROUP_DELIVER, ScriptOutputType.MULTI, keys, args)).handle((flags, failure) -> {
                        if (failure != null) {
                            throw new java.util.concurrent.CompletionException(
                                    translate(operation.get(), shard, failure));
                        }
                        int delivered = 0;
                        int dropped = 0;
                        for (int i = 0; i < n; i++) {
                            if (((Long) flags.get(i)) == 1L) {
                                delivered += channels[i];
                            } else {
                                dropped += channels[i];
                            }
                        }
                        return new GroupSendResult(delivered, dropped);
                    }));
        }
        CompletableFuture<GroupSendResult> all = parts.size() == 1 ? parts.get(0)
                : CompletableFuture.allOf(parts.toArray(CompletableFuture[]::new)).thenApply(v -> {
                    GroupSendResult total = GroupSendResult.EMPTY;
                    for (CompletableFuture<GroupSendResult> part : parts) {
                        total = total.plus(part.join());
                    }
                    return total;
                });
        return all.thenApply(total -> {
            if (total.dropped() > 0) {
                log.debug("{} group {}: {} of {} member channels over capacity, message dropped for them", name,
                        group, total.dropped(), total.members());
            }
            return total;
        });
    }

    /** The length of a channel name's non-local part: up to and including '!', else all of it. */
    private static int nonLocalLength(byte[] name) {
        for (int i = 0; i < name.length; i++) {
            if (name[i] == '!') {
                return i + 1;
            }
        }
        return name.length;
    }

    /**
     * {@inheritDoc}
     *
     * <p>Deletes every key starting with the prefix on every shard ({@code KEYS prefix*} then
     * {@code DEL}, as channels_redis — avoid on a large shared Redis), drops buffered messages
     * and forgets the tracked memberships. Waiting receives keep waiting.
     */
    @Override
    public CompletionStage<Void> flush() {
        if (closed) {
            return CompletableFuture.failedFuture(closedException("flush"));
        }
        memberships.clear();
        inbox.clearBuffers();
        byte[] pattern = (escapeGlob(prefix) + "*").getBytes(StandardCharsets.UTF_8);
        List<CompletableFuture<Long>> parts = new ArrayList<>();
        for (Shard shard : shards) {
            parts.add(run(() -> "flush", shard, connection -> shard.<Long>eval(connection, Scripts.FLUSH,
                    ScriptOutputType.INTEGER, new String[0], pattern)));
        }
        return observe(LayerOperation.FLUSH,
                CompletableFuture.allOf(parts.toArray(CompletableFuture[]::new)).thenRun(inbox::clearBuffers), null);
    }

    /**
     * {@inheritDoc}
     *
     * <p>Waits up to a few seconds for Redis client threads to stop. Messages already popped
     * but not yet received are lost, as with channels_redis.
     */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        inbox.failAll(closedException("receive"));
        loops.forEach(ReceiveLoop::stop);
        sweeper.cancel(false);
        connectionEvents.dispose();
        shards.forEach(Shard::close);
        for (RedisClient c : List.of(client, loopClient)) {
            try {
                c.shutdown(Duration.ZERO, Duration.ofSeconds(2));
            } catch (RuntimeException e) {
                log.debug("{} client shutdown: {}", name, e.toString());
            }
        }
        try {
            resources.shutdown(0, 2, TimeUnit.SECONDS).await(3, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            callbacks.shutdown(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        memberships.clear();
        log.debug("{} closed", name);
    }

    /**
     * Counts messages popped from Redis and then dropped because their channel's local buffer
     * was full (its receiver fell behind by more than the channel's capacity).
     *
     * @return the count since the layer was created
     */
    public long droppedFromLocalBuffers() {
        return inbox.droppedFromBuffers();
    }

    /**
     * Counts messages popped from Redis that could not be delivered: undecodable (bad msgpack,
     * a key that does not decrypt them), expired, or addressed to no channel of this process.
     *
     * @return the count since the layer was created
     */
    public long undeliverableMessages() {
        return undeliverable.get();
    }

    @Override
    public String toString() {
        return name;
    }

    // ---------------------------------------------------------------------------------------
    // Receive side, called by the loops

    /**
     * Decodes a popped member and chooses the receives it goes to (or buffers it); the caller
     * completes them with {@link Inbox#complete} once it has dispatched its whole batch. Must be
     * called before the loop sends its next command on {@code loopConnection}. Never throws.
     */
    void dispatch(Shard shard, StatefulRedisConnection<String, byte[]> loopConnection, String key, byte[] member,
            double score, Inbox.Deliveries out) {
        MessageCodec.Decoded decoded;
        try {
            decoded = codec.decode(member);
        } catch (MessageCodec.DecodeException e) {
            undeliverable.incrementAndGet();
            listener.dropped(name, DropCause.UNDECODABLE, 1);
            log.warn("{} {}: dropped a message on {} that cannot be decoded: {}", name, shard, key, e.getMessage());
            return;
        }
        if (score <= (System.currentTimeMillis() * 1000 - expiryMicros) / 1e6) {
            undeliverable.incrementAndGet();
            listener.dropped(name, DropCause.EXPIRED, 1);
            log.debug("{} {}: dropped an expired message on {}", name, shard, key);
            return;
        }
        Message message;
        try {
            message = Message.fromMap(decoded.message());
        } catch (IllegalArgumentException e) {
            undeliverable.incrementAndGet();
            listener.dropped(name, DropCause.UNDECODABLE, 1);
            log.warn("{} {}: dropped a message on {}: {}", name, shard, key, e.getMessage());
            return;
        }
        String queue = key.substring(prefix.length());
        if (!queue.endsWith("!")) {
            // A normal channel: if the receive that asked for this message gave up meanwhile,
            // park it where the next local receive takes it in order (a receive loop that
            // cancels and receives again); if none does soon (a worker stopping), put it back
            // in Redis for the next receiver, in this process or another.
            Object parked = inbox.handOverOrPark(queue, message, score, out);
            if (parked != null) {
                schedule(() -> {
                    if (inbox.unpark(queue, parked)) {
                        requeue(shard, loopConnection, key, member, score);
                    }
                }, PARK_MILLIS);
            }
            return;
        }
        Object routing = decoded.asgiChannel();
        List<?> targets = routing instanceof String s ? List.of(s) : routing instanceof List<?> l ? l : List.of();
        if (targets.isEmpty()) {
            undeliverable.incrementAndGet();
            listener.dropped(name, DropCause.UNROUTABLE, 1);
            log.warn("{} {}: dropped a message on process key {} without a valid __asgi_channel__", name, shard, key);
            return;
        }
        // The names come from Redis: the inbox checks that each is of this process, and checks
        // the name itself only when it has not seen it already (from a receive, say).
        for (Object target : inbox.deliverAll(targets, queue, message, score, out)) {
            undeliverable.incrementAndGet();
            listener.dropped(name, DropCause.UNROUTABLE, 1);
            log.warn("{} {}: dropped a message on {} for a channel not of this process: {}", name, shard, key,
                    target);
        }
    }

    /** Puts an unclaimed message of a normal channel back at its place in the queue. */
    private void requeue(Shard shard, StatefulRedisConnection<String, byte[]> via, String key, byte[] member,
            double score) {
        // Plain pipelined commands rather than a script: a script unknown to a restarted Redis
        // would be sent again only after the NOSCRIPT reply, behind the loop's next pop.
        CompletableFuture<Long> added = via.async().zadd(key, score, member).toCompletableFuture();
        CompletableFuture<Boolean> expiring = via.async().pexpire(key, layerOptions.expiry().toMillis())
                .toCompletableFuture();
        CompletableFuture.allOf(added, expiring).whenComplete((v, failure) -> {
                    if (failure != null) {
                        undeliverable.incrementAndGet();
                        listener.dropped(name, DropCause.UNAVAILABLE, 1);
                        log.warn("{} {}: lost a message of {} whose receive was cancelled: {}", name, shard, key,
                                failure.toString());
                    } else {
                        log.debug("{} {}: returned a message to {}: its receive was cancelled", name, shard, key);
                    }
                });
    }

    /** Reports an operation's outcome to the listener; returns the same stage. */
    private <T> CompletableFuture<T> observe(LayerOperation operation, CompletableFuture<T> stage,
            java.util.function.Consumer<T> onSuccess) {
        if (listener == MuxListener.NOOP) {
            return stage;
        }
        stage.whenComplete((value, failure) -> {
            if (failure == null) {
                if (onSuccess != null) {
                    onSuccess.accept(value);
                }
                return;
            }
            Throwable cause = Shard.unwrap(failure);
            if (cause instanceof ChannelFullException) {
                listener.dropped(name, DropCause.CHANNEL_FULL, 1);
            }
            listener.layerFailed(name, operation, cause);
        });
        return stage;
    }

    private void groupSent(String group, GroupSendResult result) {
        if (result.dropped() > 0) {
            listener.dropped(name, DropCause.CHANNEL_FULL, result.dropped());
        }
        listener.layerGroupSent(name, group, result.delivered(), result.dropped());
    }

    private void connectionDeactivated(String remote) {
        if (closed) {
            return;
        }
        lostConnections.computeIfAbsent(remote, r -> new AtomicInteger()).incrementAndGet();
        listener.layerDisconnected(name, remote);
    }

    private void connectionActivated(String remote) {
        AtomicInteger lost = lostConnections.get(remote);
        if (lost != null && lost.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            listener.layerReconnected(name, remote);
        }
    }

    /** Runs a task on the Redis client's scheduler; ignored once closed. */
    void schedule(Runnable task, long delayMillis) {
        try {
            resources.eventExecutorGroup().schedule(task, delayMillis, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException closing) {
            // The layer is closing; the loops stop with it.
        }
    }

    private void demandChanged(boolean keyAdded) {
        for (ReceiveLoop loop : loops) {
            loop.kick();
            if (keyAdded) {
                loop.wake();
            }
        }
    }

    // ---------------------------------------------------------------------------------------
    // Restarts: a Redis that comes back empty forgot our memberships

    private void checkForRestarts() {
        for (Shard shard : shards) {
            checkForRestart(shard, 0);
        }
    }

    /**
     * Compares the shard's Redis run id with the one seen before and restores this process's
     * memberships if it changed. A connection event can arrive before the command connection
     * takes commands again (its INFO is then refused): the check is retried until it gets an
     * answer, the layer closes, or {@value #RESTART_CHECK_ATTEMPTS} attempts pass, after which
     * the next reconnection starts a new check.
     */
    private void checkForRestart(Shard shard, int attempt) {
        // The event may come before the connect future completes: wait for it, never start one.
        CompletableFuture<StatefulRedisConnection<String, byte[]>> started = shard.commandsIfStarted();
        if (started == null || closed) {
            return;
        }
        started.whenComplete((connection, connectFailure) -> {
            if (connection == null) {
                return; // the connect failed: its retry or the next reconnection checks again
            }
            connection.async().info("server").whenComplete((info, failure) -> {
                if (closed) {
                    return;
                }
                if (info == null) {
                    if (attempt + 1 < RESTART_CHECK_ATTEMPTS) {
                        schedule(() -> checkForRestart(shard, attempt + 1), RESTART_CHECK_RETRY_MILLIS);
                    } else {
                        log.debug("{}: could not ask {} whether it restarted: {}", name, shard, String.valueOf(failure));
                    }
                    return;
                }
                String runId = parseRunId(info);
                String previous;
                synchronized (shard) {
                    previous = shard.runId;
                    shard.runId = runId;
                }
                if (previous != null && runId != null && !previous.equals(runId)) {
                    restoreMemberships(shard, connection);
                }
            });
        });
    }

    private void restoreMemberships(Shard shard, StatefulRedisConnection<String, byte[]> connection) {
        double lapsed = (System.currentTimeMillis() * 1000 - groupExpiryMicros) / 1e6;
        int restored = 0;
        for (Map.Entry<String, Map<String, Double>> entry : memberships.entrySet()) {
            String group = entry.getKey();
            if (shardFor(group) != shard) {
                continue;
            }
            String key = groupKey(group);
            for (Map.Entry<String, Double> member : entry.getValue().entrySet()) {
                if (member.getValue() > lapsed) {
                    connection.async().zadd(key, member.getValue(), member.getKey().getBytes(StandardCharsets.UTF_8));
                    restored++;
                }
            }
            connection.async().pexpire(key, layerOptions.groupExpiry().toMillis());
        }
        log.info("{} {}: Redis restarted (new run_id {}); restored {} group membership(s) of this process", name,
                shard, shard.runId, restored);
    }

    private static String parseRunId(String info) {
        for (String line : info.split("\r?\n")) {
            if (line.startsWith("run_id:")) {
                return line.substring("run_id:".length()).trim();
            }
        }
        return null;
    }

    private void sweep() {
        try {
            callbacks.rescue();
            inbox.sweep();
            double lapsed = (System.currentTimeMillis() * 1000 - groupExpiryMicros) / 1e6;
            memberships.values().forEach(members -> members.values().removeIf(score -> score <= lapsed));
            memberships.values().removeIf(Map::isEmpty);
        } catch (RuntimeException e) {
            log.warn("{} sweep failed; will retry", name, e);
        }
    }

    // ---------------------------------------------------------------------------------------
    // Plumbing

    /**
     * Runs an operation on a shard's command connection: completes on the callback executor,
     * with failures translated to layer exceptions. Each command the action issues must answer
     * within the command timeout, which the command connection enforces per command; getting
     * a connection (the first use, or after a drop) is bounded separately by the same timeout,
     * so that a cold start's connection set-up does not eat the command's time.
     *
     * @param operation names the operation in error messages; only called on failure
     */
    private <T> CompletableFuture<T> run(Supplier<String> operation, Shard shard,
            Function<StatefulRedisConnection<String, byte[]>, CompletionStage<T>> action) {
        CompletableFuture<T> result = new CompletableFuture<>();
        CompletableFuture<StatefulRedisConnection<String, byte[]>> connection = shard.commands();
        if (connection.isDone() && !connection.isCompletedExceptionally()) {
            // The usual case: connected already, so no connection timer to arm and cancel.
            issue(operation, shard, connection.join(), action, result);
            return result;
        }
        Timeout connecting = resources.timer().newTimeout(t -> fail(result, new LayerUnavailableException(name
                + ": Redis " + shard + " could not be connected to for " + operation.get() + " within "
                + commandTimeoutMillis + " ms", null)), commandTimeoutMillis, TimeUnit.MILLISECONDS);
        connection.whenComplete((connected, connectFailure) -> {
            connecting.cancel();
            if (connectFailure != null) {
                fail(result, translate(operation.get(), shard, connectFailure));
            } else if (!result.isDone()) {
                issue(operation, shard, connected, action, result);
            }
        });
        return result;
    }

    /**
     * Runs an operation of several round trips (perhaps to several shards) as {@link #run}
     * does, and bounds the whole of it by the command timeout once a connection is at hand.
     */
    private <T> CompletableFuture<T> runBounded(Supplier<String> operation, Shard shard,
            Function<StatefulRedisConnection<String, byte[]>, CompletionStage<T>> action) {
        return run(operation, shard, connection -> {
            CompletableFuture<T> bounded = new CompletableFuture<>();
            Timeout answering = resources.timer().newTimeout(t -> bounded.completeExceptionally(
                    new LayerUnavailableException(name + ": Redis " + shard + " did not answer " + operation.get()
                            + " within " + commandTimeoutMillis + " ms; the operation may still take effect", null)),
                    commandTimeoutMillis, TimeUnit.MILLISECONDS);
            action.apply(connection).whenComplete((value, failure) -> {
                answering.cancel();
                if (failure == null) {
                    bounded.complete(value);
                } else {
                    bounded.completeExceptionally(failure);
                }
            });
            return bounded;
        });
    }

    private <T> void issue(Supplier<String> operation, Shard shard, StatefulRedisConnection<String, byte[]> connection,
            Function<StatefulRedisConnection<String, byte[]>, CompletionStage<T>> action, CompletableFuture<T> result) {
        CompletionStage<T> stage;
        try {
            stage = action.apply(connection);
        } catch (RuntimeException e) {
            fail(result, translate(operation.get(), shard, e));
            return;
        }
        stage.whenComplete((value, failure) -> {
            if (failure == null) {
                callbacks(() -> result.complete(value));
            } else {
                fail(result, translate(operation.get(), shard, failure));
            }
        });
    }

    private void fail(CompletableFuture<?> result, Throwable failure) {
        callbacks(() -> result.completeExceptionally(failure));
    }

    private void callbacks(Runnable task) {
        try {
            callbacks.execute(task);
        } catch (RejectedExecutionException closing) {
            task.run();
        }
    }

    private Throwable translate(String operation, Shard shard, Throwable failure) {
        Throwable cause = Shard.unwrap(failure);
        if (cause instanceof MuxException) {
            return cause;
        }
        if (closed) {
            return closedException(operation);
        }
        if (cause instanceof RedisCommandTimeoutException) {
            return new LayerUnavailableException(name + ": Redis " + shard + " did not answer " + operation + " within "
                    + commandTimeoutMillis + " ms; the operation may still take effect", cause);
        }
        if (cause instanceof io.lettuce.core.RedisConnectionException) {
            return new LayerUnavailableException(name + ": Redis " + shard + " is unreachable for " + operation + ": "
                    + (cause.getCause() != null ? cause.getCause().getMessage() : cause.getMessage()), cause);
        }
        if (cause instanceof RedisCommandExecutionException) {
            return new MuxException(name + ": Redis " + shard + " refused " + operation + ": " + cause.getMessage(),
                    cause);
        }
        return new LayerUnavailableException(name + ": Redis " + shard + " is unreachable for " + operation + ": "
                + cause.getMessage(), cause);
    }

    private LayerClosedException closedException(String operation) {
        return LayerChecks.closed(name, operation);
    }

    private static void requireNoRoutingKey(Message message) {
        if (message.containsKey(MessageCodec.ASGI_CHANNEL)) {
            throw new IllegalArgumentException("message must not contain the key '" + MessageCodec.ASGI_CHANNEL
                    + "': the layer sets it for routing");
        }
    }

    private boolean isOwn(String channel) {
        return ChannelNames.isProcessLocal(channel) && ChannelNames.nonLocalPart(channel).endsWith(localSuffix);
    }

    private Shard shardFor(String value) {
        return shards.get(ConsistentHash.index(value, shards.size()));
    }

    private String groupKey(String group) {
        return prefix + ":group:" + group;
    }

    /** Epoch microseconds, strictly increasing within this layer so its sends keep their order. */
    private long nextScoreMicros() {
        Instant now = Instant.now();
        long micros = now.getEpochSecond() * 1_000_000 + now.getNano() / 1000;
        while (true) {
            long last = lastScoreMicros.get();
            long next = Math.max(micros, last + 1);
            if (lastScoreMicros.compareAndSet(last, next)) {
                return next;
            }
        }
    }

    /** Epoch microseconds as decimal seconds with six decimals, the way Redis reads scores. */
    static byte[] score(long micros) {
        long seconds = Math.floorDiv(micros, 1_000_000);
        long fraction = Math.floorMod(micros, 1_000_000);
        String whole = Long.toString(seconds);
        int n = whole.length();
        byte[] text = new byte[n + 7];
        for (int i = 0; i < n; i++) {
            text[i] = (byte) whole.charAt(i);
        }
        text[n] = '.';
        for (int i = n + 6; i > n; i--) {
            text[i] = (byte) ('0' + fraction % 10);
            fraction /= 10;
        }
        return text;
    }

    private static byte[] ascii(long value) {
        return Long.toString(value).getBytes(StandardCharsets.US_ASCII);
    }

    private static String escapeGlob(String text) {
        StringBuilder out = new StringBuilder(text.length() + 4);
        for (char c : text.toCharArray()) {
            if (c == '*' || c == '?' || c == '[' || c == ']' || c == '\\') {
                out.append('\\');
            }
            out.append(c);
        }
        return out.toString();
    }

    private static ClientOptions clientOptions(RedisLayerOptions options, boolean timeoutCommands) {
        Duration commandTimeout = options.commandTimeout();
        long timeoutMillis = Math.max(1, commandTimeout.toMillis());
        TimeoutOptions.TimeoutSource source = new TimeoutOptions.TimeoutSource() {
            @Override
            public long getTimeout(RedisCommand<?, ?, ?> command) {
                // Zero disables the timeout: the receive loop waits for Redis rather than abandon
                // a pop that would still run once a frozen Redis thaws.
                return timeoutCommands ? timeoutMillis : 0;
            }

            @Override
            public TimeUnit getTimeUnit() {
                return TimeUnit.MILLISECONDS;
            }
        };
        ClientOptions.Builder builder = ClientOptions.builder();
        if (options.tlsTrustedCertificates() != null) {
            builder.sslOptions(SslOptions.builder().jdkSslProvider()
                    .trustManager(options.tlsTrustedCertificates().toFile()).build());
        }
        return builder
                .autoReconnect(true)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .protocolVersion(ProtocolVersion.RESP2)
                .socketOptions(SocketOptions.builder().connectTimeout(commandTimeout).keepAlive(true)
                        .tcpNoDelay(true).build())
                .timeoutOptions(TimeoutOptions.builder().timeoutCommands(true).timeoutSource(source).build())
                .build();
    }

    /**
     * Builds a {@link RedisChannelLayer}: the {@link RedisLayerOptions} settings, then
     * {@link #build()}.
     *
     * <pre>{@code
     * RedisChannelLayer layer = RedisChannelLayer.builder()
     *     .host("redis://127.0.0.1:6379")
     *     .prefix("asgi")
     *     .capacity(100)
     *     .expiry(Duration.ofSeconds(60))
     *     .build();
     * }</pre>
     *
     * <p>Not thread-safe.
     */
    public static final class Builder {
        private final RedisLayerOptions.Builder options = RedisLayerOptions.builder();
        private MuxListener listener = MuxListener.NOOP;

        private Builder() {
        }

        /**
         * Sets the listener that hears sends, receives, failures, drops and reconnections.
         *
         * @param listener the listener; default {@link MuxListener#NOOP}
         * @return this builder
         */
        public Builder listener(MuxListener listener) {
            this.listener = Objects.requireNonNull(listener, "listener must not be null");
            return this;
        }

        /**
         * Adds a shard by URI. See {@link RedisLayerOptions.Builder#host}.
         *
         * @param uri {@code redis://[:password@]host[:port][/db]} or {@code rediss://…}
         * @return this builder
         */
        public Builder host(String uri) {
            options.host(uri);
            return this;
        }

        /**
         * Adds a shard found through Sentinel. See {@link RedisLayerOptions.Builder#sentinel}.
         *
         * @param masterName the master's name
         * @param sentinels  {@code redis-sentinel://host[:port]} URIs
         * @return this builder
         */
        public Builder sentinel(String masterName, List<String> sentinels) {
            options.sentinel(masterName, sentinels);
            return this;
        }

        /**
         * Sets the key prefix. See {@link RedisLayerOptions.Builder#prefix}.
         *
         * @param prefix the prefix; default {@value RedisLayerOptions#DEFAULT_PREFIX}
         * @return this builder
         */
        public Builder prefix(String prefix) {
            options.prefix(prefix);
            return this;
        }

        /**
         * Sets the default channel capacity.
         *
         * @param capacity at least 1; default 100
         * @return this builder
         */
        public Builder capacity(int capacity) {
            options.capacity(capacity);
            return this;
        }

        /**
         * Appends a per-channel capacity rule.
         *
         * @param rule the rule
         * @return this builder
         */
        public Builder channelCapacity(CapacityRule rule) {
            options.channelCapacity(rule);
            return this;
        }

        /**
         * Sets the message expiry.
         *
         * @param expiry positive; default 60 s
         * @return this builder
         */
        public Builder expiry(Duration expiry) {
            options.expiry(expiry);
            return this;
        }

        /**
         * Sets the group expiry.
         *
         * @param groupExpiry positive; default 86400 s
         * @return this builder
         */
        public Builder groupExpiry(Duration groupExpiry) {
            options.groupExpiry(groupExpiry);
            return this;
        }

        /**
         * Replaces capacity, capacity rules, expiry and group expiry at once.
         *
         * @param layerOptions the layer options
         * @return this builder
         */
        public Builder layerOptions(LayerOptions layerOptions) {
            options.layerOptions(layerOptions);
            return this;
        }

        /**
         * Encrypts messages with Fernet. See {@link RedisLayerOptions.Builder#symmetricEncryptionKeys}.
         *
         * @param secrets the secrets; the first encrypts, all decrypt
         * @return this builder
         */
        public Builder symmetricEncryptionKeys(List<String> secrets) {
            options.symmetricEncryptionKeys(secrets);
            return this;
        }

        /**
         * Sets how long an operation may wait for Redis.
         *
         * @param timeout positive; default 5 s
         * @return this builder
         */
        public Builder commandTimeout(Duration timeout) {
            options.commandTimeout(timeout);
            return this;
        }

        /**
         * Sets the longest pause between reconnection attempts.
         *
         * @param delay positive; default 2 s
         * @return this builder
         */
        public Builder maxReconnectDelay(Duration delay) {
            options.maxReconnectDelay(delay);
            return this;
        }

        /**
         * Trusts the certificates of a PEM file for {@code rediss://} shards. See
         * {@link RedisLayerOptions.Builder#tlsTrustedCertificates}.
         *
         * @param pemFile the certificates
         * @return this builder
         */
        public Builder tlsTrustedCertificates(java.nio.file.Path pemFile) {
            options.tlsTrustedCertificates(pemFile);
            return this;
        }

        /**
         * Builds the options without creating a layer.
         *
         * @return the options
         */
        public RedisLayerOptions options() {
            return options.build();
        }

        /**
         * Creates the layer; no connection is made until the first operation.
         *
         * @return a new layer
         */
        public RedisChannelLayer build() {
            return new RedisChannelLayer(options.build(), listener, ReceiveLoop.BLOCK_SECONDS);
        }
    }
}
