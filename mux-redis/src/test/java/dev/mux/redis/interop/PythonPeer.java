package dev.mux.redis.interop;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mux.layer.Message;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Python {@code channels_redis.core.RedisChannelLayer} in a child process, driven over
 * the line protocol of {@code src/test/python/channels_peer.py}: the other side of every
 * interoperability test.
 *
 * <p>Values cross the process boundary in a tagged JSON encoding that keeps {@code bytes}
 * apart from {@code str} and floats apart from integers, so a test sees exactly the Python
 * types channels_redis produced. The child's stderr goes to this class's logger, one line per
 * log entry, prefixed with the child's pid.
 *
 * <pre>{@code
 * try (PythonPeer python = PythonPeer.builder().host(redis.uri()).start()) {
 *     String channel = python.newChannel();
 *     javaLayer.send(channel, Message.of("type", "hello")).toCompletableFuture().join();
 *     Message m = python.receive(channel, Duration.ofSeconds(5));
 * }
 * }</pre>
 *
 * <p>The interpreter is {@value #DEFAULT_PYTHON} unless the system property
 * {@code mux.interop.python} names another; the script is found through the system property
 * {@code mux.interop.peerScript} or under {@code src/test/python}. If Python, the script or
 * the Debian packages are missing, {@link Builder#start()} fails and names what to install.
 *
 * <p>Thread-safe: commands may be issued from any thread and run concurrently in the peer;
 * a caller that needs two commands ordered waits for the first (every blocking method does).
 */
public final class PythonPeer implements AutoCloseable {

    /** The interpreter with Debian's python3-channels-redis. */
    public static final String DEFAULT_PYTHON = "/usr/bin/python3";
    /** How long the peer may take to import its modules and report ready. */
    public static final Duration DEFAULT_START_TIMEOUT = Duration.ofSeconds(30);
    /** How long a command other than receive may take before the harness gives up. */
    public static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(20);

    static final String INSTALL_HINT = "apt-get install python3-channels-redis python3-django-channels";

    private static final Logger LOG = LoggerFactory.getLogger(PythonPeer.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Process process;
    private final String name;
    private final OutputStream stdin;
    private final Map<Long, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
    private final Map<Long, String> commands = new ConcurrentHashMap<>();
    private final AtomicLong ids = new AtomicLong();
    private final CompletableFuture<JsonNode> ready = new CompletableFuture<>();
    private final CompletableFuture<Integer> exited = new CompletableFuture<>();
    private final Object writeLock = new Object();
    private volatile boolean closed;

    private PythonPeer(Process process) {
        this.process = process;
        this.name = "python-peer[" + process.pid() + "]";
        this.stdin = process.getOutputStream();
        Thread out = new Thread(this::readStdout, name + "-stdout");
        out.setDaemon(true);
        out.start();
        Thread err = new Thread(this::readStderr, name + "-stderr");
        err.setDaemon(true);
        err.start();
    }

    /**
     * Starts describing a peer.
     *
     * @return a builder with channels_redis' defaults
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Returns the peer's client prefix: the 32 hex digits in its process-local channel names.
     *
     * @return the client prefix
     */
    public String clientPrefix() {
        return ready.join().get("client_prefix").asText();
    }

    /**
     * Returns the versions the peer runs (python, channels, channels_redis, msgpack).
     *
     * @return component name to version
     */
    public Map<String, String> versions() {
        Map<String, String> out = new LinkedHashMap<>();
        ready.join().get("versions").fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asText()));
        return out;
    }

    /**
     * Creates a process-local channel name owned by the peer ({@code specific.<prefix>!<id>}).
     *
     * @return the name
     */
    public String newChannel() {
        return newChannel("specific");
    }

    /**
     * Creates a process-local channel name owned by the peer.
     *
     * @param prefix the part before the first dot
     * @return the name
     */
    public String newChannel(String prefix) {
        return call(request("new_channel").put("prefix", prefix)).asText();
    }

    /**
     * Sends a message through channels_redis' {@code send}.
     *
     * @param channel the channel
     * @param message the message
     * @throws PeerException with error {@code ChannelFull} when the channel is at capacity
     */
    public void send(String channel, Message message) {
        ObjectNode req = request("send").put("channel", channel);
        req.set("message", TaggedJson.encode(message));
        call(req);
    }

    /**
     * Sends a message given directly in the peer's tagged JSON encoding, for values a
     * {@link Message} cannot hold (an integer beyond int64, say) to test how a receiver copes.
     *
     * @param channel     the channel
     * @param taggedJson  a JSON object in the tagged encoding
     */
    public void sendTaggedJson(String channel, String taggedJson) {
        ObjectNode req = request("send").put("channel", channel);
        try {
            req.set("message", JSON.readTree(taggedJson));
        } catch (IOException e) {
            throw new IllegalArgumentException("taggedJson is not JSON: " + e.getMessage(), e);
        }
        call(req);
    }

    /**
     * Adds a channel to a group through channels_redis' {@code group_add}.
     *
     * @param group   the group
     * @param channel the channel
     */
    public void groupAdd(String group, String channel) {
        call(request("group_add").put("group", group).put("channel", channel));
    }

    /**
     * Removes a channel from a group through channels_redis' {@code group_discard}.
     *
     * @param group   the group
     * @param channel the channel
     */
    public void groupDiscard(String group, String channel) {
        call(request("group_discard").put("group", group).put("channel", channel));
    }

    /**
     * Sends a message to a group through channels_redis' {@code group_send}.
     *
     * @param group   the group
     * @param message the message
     */
    public void groupSend(String group, Message message) {
        ObjectNode req = request("group_send").put("group", group);
        req.set("message", TaggedJson.encode(message));
        call(req);
    }

    /**
     * Receives the next message on a channel, waiting at most {@code timeout}.
     *
     * @param channel the channel; a process-local one must be the peer's own
     * @param timeout how long to wait
     * @return the message
     * @throws PeerException with {@link PeerException#isTimeout()} when nothing arrived, or the
     *                       Python error (for example {@code InvalidToken})
     */
    public Message receive(String channel, Duration timeout) {
        return join(receiveAsync(channel, timeout), "receive", timeout.plus(COMMAND_TIMEOUT));
    }

    /**
     * Receives on a channel without blocking the caller.
     *
     * @param channel the channel
     * @param timeout how long the peer waits
     * @return a future that completes with the message or fails with {@link PeerException}
     */
    public CompletableFuture<Message> receiveAsync(String channel, Duration timeout) {
        ObjectNode req = request("receive").put("channel", channel)
                .put("timeout", timeout.toMillis() / 1000.0);
        return submit(req).thenApply(TaggedJson::decodeMessage);
    }

    /**
     * Receives a message if one arrives within {@code timeout}.
     *
     * @param channel the channel
     * @param timeout how long to wait
     * @return the message, or empty if nothing arrived
     */
    public Optional<Message> poll(String channel, Duration timeout) {
        try {
            return Optional.of(receive(channel, timeout));
        } catch (PeerException e) {
            if (e.isTimeout()) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /** Deletes every key under the peer's prefix on every shard (channels_redis' {@code flush}). */
    public void flush() {
        call(request("flush"));
    }

    /**
     * Tells the peer to quit and waits for it; kills it if it does not exit in time. Idempotent.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        try {
            if (process.isAlive()) {
                try {
                    submit(request("quit")).get(10, TimeUnit.SECONDS);
                } catch (RuntimeException | ExecutionException | TimeoutException e) {
                    LOG.debug("{} did not acknowledge quit: {}", name, e.toString());
                }
                closed = true;
                stdin.close();
            }
            closed = true;
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                LOG.warn("{} did not quit within 10 s; killing it", name);
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (IOException e) {
            process.destroyForcibly();
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    // -------------------------------------------------------------------------------------

    private ObjectNode request(String cmd) {
        return JSON.createObjectNode().put("id", ids.incrementAndGet()).put("cmd", cmd);
    }

    private JsonNode call(ObjectNode req) {
        return join(submit(req), req.get("cmd").asText(), COMMAND_TIMEOUT);
    }

    private CompletableFuture<JsonNode> submit(ObjectNode req) {
        if (closed) {
            throw new IllegalStateException(name + " is closed");
        }
        long id = req.get("id").asLong();
        CompletableFuture<JsonNode> reply = new CompletableFuture<>();
        pending.put(id, reply);
        commands.put(id, req.get("cmd").asText());
        if (exited.isDone()) {
            pending.remove(id);
            throw new IllegalStateException(name + " has exited with status " + exited.join());
        }
        send(req);
        return reply;
    }

    private void send(ObjectNode req) {
        byte[] line;
        try {
            line = (JSON.writeValueAsString(req) + "\n").getBytes(StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        synchronized (writeLock) {
            try {
                stdin.write(line);
                stdin.flush();
            } catch (IOException e) {
                throw new UncheckedIOException(name + " does not accept commands (exited?)", e);
            }
        }
    }

    private static <T> T join(CompletableFuture<T> future, String cmd, Duration timeout) {
        try {
            return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("python peer did not answer " + cmd + " within " + timeout, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted waiting for the python peer's " + cmd, e);
        }
    }

    private void readStdout() {
        try (BufferedReader reader = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                handleLine(line);
            }
        } catch (IOException e) {
            LOG.debug("{} stdout closed: {}", name, e.getMessage());
        }
        int status;
        try {
            status = process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            status = -1;
        }
        exited.complete(status);
        IllegalStateException gone = new IllegalStateException(name + " exited with status " + status
                + " (see its stderr in the log above)");
        ready.completeExceptionally(gone);
        pending.values().forEach(f -> f.completeExceptionally(gone));
        pending.clear();
    }

    private void handleLine(String line) {
        JsonNode node;
        try {
            node = JSON.readTree(line);
        } catch (IOException e) {
            LOG.warn("{} wrote a line that is not JSON: {}", name, line);
            return;
        }
        JsonNode event = node.get("event");
        if (event != null) {
            if ("ready".equals(event.asText())) {
                ready.complete(node);
            } else if ("fatal".equals(event.asText())) {
                ready.completeExceptionally(new IllegalStateException("the channels_redis peer cannot start: "
                        + node.path("error").asText() + ": " + node.path("detail").asText()
                        + ". Install the Python side with: " + INSTALL_HINT
                        + " and run it with " + DEFAULT_PYTHON));
            } else {
                LOG.warn("{} sent an unknown event: {}", name, line);
            }
            return;
        }
        JsonNode id = node.get("id");
        CompletableFuture<JsonNode> reply = id == null || id.isNull() ? null : pending.remove(id.asLong());
        if (reply == null) {
            LOG.warn("{} sent a reply nobody waits for: {}", name, line);
            return;
        }
        String cmd = commandOf(id.asLong());
        if (node.path("ok").asBoolean()) {
            reply.complete(node.get("result"));
        } else {
            reply.completeExceptionally(new PeerException(cmd, node.path("error").asText(),
                    node.path("detail").asText()));
        }
    }

    private String commandOf(long id) {
        String cmd = commands.remove(id);
        return cmd == null ? "command " + id : cmd;
    }

    private void readStderr() {
        try (BufferedReader reader = new BufferedReader(
                new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                LOG.info("{} stderr: {}", name, line);
            }
        } catch (IOException e) {
            LOG.debug("{} stderr closed: {}", name, e.getMessage());
        }
    }

    /**
     * Describes a peer: the same options as channels_redis' {@code RedisChannelLayer}.
     *
     * <p>Not thread-safe.
     */
    public static final class Builder {
        private final List<String> hosts = new ArrayList<>();
        private String prefix;
        private final List<String> keys = new ArrayList<>();
        private Integer capacity;
        private Duration expiry;
        private Duration groupExpiry;
        private Duration startTimeout = DEFAULT_START_TIMEOUT;
        private String python = System.getProperty("mux.interop.python", DEFAULT_PYTHON);
        private final List<String> pythonOptions = new ArrayList<>();

        private Builder() {
        }

        /**
         * Adds a Redis host; several hosts are shards, in this order.
         *
         * @param uri a {@code redis://} URI
         * @return this builder
         */
        public Builder host(String uri) {
            hosts.add(Objects.requireNonNull(uri, "uri must not be null"));
            return this;
        }

        /**
         * Sets the key prefix (channels_redis' default {@code asgi}).
         *
         * @param prefix the prefix
         * @return this builder
         */
        public Builder prefix(String prefix) {
            this.prefix = Objects.requireNonNull(prefix, "prefix must not be null");
            return this;
        }

        /**
         * Sets the symmetric encryption keys; the first encrypts, all decrypt.
         *
         * @param keys the secrets
         * @return this builder
         */
        public Builder symmetricEncryptionKeys(List<String> keys) {
            this.keys.clear();
            this.keys.addAll(keys);
            return this;
        }

        /**
         * Sets the per-channel capacity (default 100).
         *
         * @param capacity the capacity
         * @return this builder
         */
        public Builder capacity(int capacity) {
            this.capacity = capacity;
            return this;
        }

        /**
         * Sets the message expiry (default 60 s), in whole seconds.
         *
         * @param expiry the expiry
         * @return this builder
         */
        public Builder expiry(Duration expiry) {
            this.expiry = expiry;
            return this;
        }

        /**
         * Sets the group expiry (default 86400 s), in whole seconds.
         *
         * @param groupExpiry the group expiry
         * @return this builder
         */
        public Builder groupExpiry(Duration groupExpiry) {
            this.groupExpiry = groupExpiry;
            return this;
        }

        /**
         * Sets how long the peer may take to start.
         *
         * @param startTimeout the timeout
         * @return this builder
         */
        public Builder startTimeout(Duration startTimeout) {
            this.startTimeout = startTimeout;
            return this;
        }

        /**
         * Sets the interpreter and options placed before the script (for example {@code -S} to
         * hide the site packages); the default is {@value #DEFAULT_PYTHON} without options.
         *
         * @param python  the interpreter's path
         * @param options interpreter options
         * @return this builder
         */
        public Builder interpreter(String python, String... options) {
            this.python = Objects.requireNonNull(python, "python must not be null");
            this.pythonOptions.clear();
            this.pythonOptions.addAll(List.of(options));
            return this;
        }

        /**
         * Starts the Python process and waits until its layer is ready.
         *
         * @return the running peer
         * @throws IllegalStateException naming what to install if Python or channels_redis is
         *                               missing
         */
        public PythonPeer start() {
            if (hosts.isEmpty()) {
                throw new IllegalStateException("a python peer needs at least one host");
            }
            ObjectNode options = JSON.createObjectNode();
            ArrayNode hostArray = options.putArray("hosts");
            hosts.forEach(hostArray::add);
            if (prefix != null) {
                options.put("prefix", prefix);
            }
            if (!keys.isEmpty()) {
                ArrayNode keyArray = options.putArray("symmetric_encryption_keys");
                keys.forEach(keyArray::add);
            }
            if (capacity != null) {
                options.put("capacity", capacity);
            }
            if (expiry != null) {
                options.put("expiry", expiry.toSeconds());
            }
            if (groupExpiry != null) {
                options.put("group_expiry", groupExpiry.toSeconds());
            }
            if (!Files.isExecutable(Path.of(python))) {
                throw new IllegalStateException("no Python interpreter at " + python
                        + ": install it and the peer's packages with: apt-get install python3 "
                        + "python3-channels-redis python3-django-channels");
            }
            Path script = peerScript();
            List<String> command = new ArrayList<>();
            command.add(python);
            command.addAll(pythonOptions);
            command.add("-u");
            command.add(script.toString());
            command.add(options.toString());
            ProcessBuilder pb = new ProcessBuilder(command);
            pb.environment().put("PYTHONIOENCODING", "utf-8");
            pb.environment().remove("PYTHONPATH");
            Process process;
            try {
                process = pb.start();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot start " + python + " " + script, e);
            }
            PythonPeer peer = new PythonPeer(process);
            try {
                join(peer.ready, "start", startTimeout);
            } catch (RuntimeException e) {
                peer.closed = true;
                process.destroyForcibly();
                throw e;
            }
            LOG.info("{} started: channels_redis layer {} on {}", peer.name, peer.versions(), hosts);
            return peer;
        }

        private static Path peerScript() {
            String configured = System.getProperty("mux.interop.peerScript");
            List<Path> candidates = configured != null
                    ? List.of(Path.of(configured))
                    : List.of(Path.of("src/test/python/channels_peer.py"),
                            Path.of("mux-redis/src/test/python/channels_peer.py"));
            for (Path p : candidates) {
                if (Files.isRegularFile(p)) {
                    return p.toAbsolutePath();
                }
            }
            throw new IllegalStateException("the python peer script is missing; looked at " + candidates
                    + " (set -Dmux.interop.peerScript)");
        }
    }
}
