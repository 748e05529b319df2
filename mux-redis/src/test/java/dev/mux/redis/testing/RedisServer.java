package dev.mux.redis.testing;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real {@code redis-server} process on a free port of 127.0.0.1, started for a test and
 * stopped by it.
 *
 * <p>The server runs without persistence ({@code --save "" --appendonly no}) in its own
 * temporary directory, so a {@link #restart()} comes back empty, like a production Redis that
 * lost its memory. Faults are injected with real signals: {@link #kill()} sends SIGKILL,
 * {@link #pause()} SIGSTOP (the port stays open but nothing answers) and {@link #resume()}
 * SIGCONT.
 *
 * <p>{@link #builder()} starts one that requires a password ({@code --requirepass}) and/or
 * also listens for TLS on a second port ({@code --tls-port}, with a certificate the test
 * made, see {@link TestCertificates}); {@link #uri()} and {@link #tlsUri()} then carry the
 * password, and {@link #command} authenticates.
 *
 * <p>The binary is looked up on {@code PATH}; when it is missing, {@link #start()} fails with
 * an {@link IllegalStateException} saying to run {@code apt-get install redis-server}. Tests
 * never skip for want of it.
 *
 * <p>Threading: the methods are synchronized; one test thread usually drives the instance.
 * Use with try-with-resources, or call {@link #close()} from an {@code @AfterAll}/{@code
 * @AfterEach}. A JVM shutdown hook kills a server that a test forgot to close.
 */
public final class RedisServer implements AutoCloseable {

    /** How long {@link #start()} and {@link #restart()} wait for the server to answer PING. */
    public static final Duration DEFAULT_START_TIMEOUT = Duration.ofSeconds(15);

    private static final String LOOPBACK = "127.0.0.1";

    private final Path executable;
    private final Path dir;
    private final int port;
    private final String password;
    private final TestCertificates tls;
    private final int tlsPort;
    private final List<String> disabledCommands;
    private final Thread shutdownHook;
    private Process process;
    private boolean paused;
    private boolean closed;

    private RedisServer(Path executable, Path dir, int port, String password, TestCertificates tls, int tlsPort,
            List<String> disabledCommands) {
        this.disabledCommands = List.copyOf(disabledCommands);
        this.executable = executable;
        this.dir = dir;
        this.port = port;
        this.password = password;
        this.tls = tls;
        this.tlsPort = tlsPort;
        this.shutdownHook = new Thread(this::destroyQuietly, "redis-server-" + port + "-reaper");
    }

    /**
     * Starts a new server on a free loopback port and waits until it answers PING.
     *
     * @return the running server
     * @throws IllegalStateException if {@code redis-server} is not on PATH or does not come up
     */
    public static RedisServer start() {
        return start(null, null, List.of());
    }

    /**
     * Starts a builder for a server with a password, TLS and/or commands left out.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Builds a {@link RedisServer} with a password and/or a TLS port. Not thread-safe.
     */
    public static final class Builder {
        private String password;
        private TestCertificates tls;
        private List<String> disabledCommands = List.of();

        private Builder() {
        }

        /**
         * Requires this password ({@code --requirepass}).
         *
         * @param password the password
         * @return this builder
         */
        public Builder password(String password) {
            this.password = password;
            return this;
        }

        /**
         * Also listens for TLS on a second loopback port with this certificate and key.
         *
         * @param certificates the server's certificate and key
         * @return this builder
         */
        public Builder tls(TestCertificates certificates) {
            this.tls = certificates;
            return this;
        }

        /**
         * Starts the server.
         *
         * @return the running server
         */
        public RedisServer start() {
            return RedisServer.start(password, tls, disabledCommands);
        }

        /**
         * Starts the server without these commands ({@code --rename-command NAME ""}), as an
         * older Redis that lacks them: a client that sends one gets {@code ERR unknown command}.
         *
         * @param commands command names, e.g. {@code "BZMPOP"}
         * @return this builder
         */
        public Builder withoutCommands(String... commands) {
            this.disabledCommands = List.of(commands);
            return this;
        }
    }

    private static RedisServer start(String password, TestCertificates tls, List<String> disabledCommands) {
        Path executable = findExecutable();
        Path dir;
        try {
            dir = Files.createTempDirectory("mux-redis-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a directory for redis-server", e);
        }
        IllegalStateException last = null;
        // Another process may grab the free port between our probe and redis' bind: retry.
        for (int attempt = 0; attempt < 5; attempt++) {
            RedisServer server = new RedisServer(executable, dir, freePort(), password, tls, tls == null ? 0 : freePort(),
                    disabledCommands);
            try {
                server.launch();
                Runtime.getRuntime().addShutdownHook(server.shutdownHook);
                return server;
            } catch (IllegalStateException e) {
                server.destroyQuietly();
                last = e;
            }
        }
        deleteRecursively(dir);
        throw last;
    }

    /**
     * The URI for clients, {@code redis://127.0.0.1:<port>}.
     *
     * @return the URI of this server
     */
    public String uri() {
        return "redis://" + (password == null ? "" : ":" + password + "@") + LOOPBACK + ":" + port;
    }

    /**
     * The URI of the TLS port, {@code rediss://[:password@]127.0.0.1:<tls port>}.
     *
     * @return the URI
     * @throws IllegalStateException if the server was started without TLS
     */
    public String tlsUri() {
        if (tls == null) {
            throw new IllegalStateException("this redis-server was started without TLS; use builder().tls(...)");
        }
        return "rediss://" + (password == null ? "" : ":" + password + "@") + LOOPBACK + ":" + tlsPort;
    }

    /**
     * The host clients connect to, always {@code 127.0.0.1}.
     *
     * @return the loopback address as text
     */
    public String host() {
        return LOOPBACK;
    }

    /**
     * The TCP port; it stays the same across {@link #restart()}.
     *
     * @return the port
     */
    public int port() {
        return port;
    }

    /**
     * The operating-system process id of the current server process.
     *
     * @return the pid
     * @throws IllegalStateException if the server is not running
     */
    public synchronized long pid() {
        requireRunning("pid");
        return process.pid();
    }

    /**
     * Whether the server process is alive (a paused server is alive).
     *
     * @return {@code true} if the process runs
     */
    public synchronized boolean isRunning() {
        return process != null && process.isAlive();
    }

    /**
     * Stops the server gracefully (SIGTERM; SIGKILL after 10 s). A paused server is resumed
     * first so that it can handle the signal. Does nothing if it is not running.
     */
    public synchronized void stop() {
        if (!isRunning()) {
            return;
        }
        if (paused) {
            resume();
        }
        stopProcess(process);
    }

    /**
     * Kills the server with SIGKILL, as a crash would, and waits until the process is gone.
     * Does nothing if it is not running.
     */
    public synchronized void kill() {
        if (!isRunning()) {
            return;
        }
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        paused = false;
    }

    /**
     * Starts the server again on the same port, stopping it first if it runs. The new server
     * is empty (no persistence).
     *
     * @throws IllegalStateException if the server was closed or does not come up
     */
    public synchronized void restart() {
        if (closed) {
            throw new IllegalStateException("redis-server on port " + port + " is closed");
        }
        stop();
        IllegalStateException last = null;
        // The old socket may linger for a moment after the process exits: retry the bind.
        long deadline = System.nanoTime() + DEFAULT_START_TIMEOUT.toNanos();
        do {
            try {
                launch();
                return;
            } catch (IllegalStateException e) {
                destroyQuietly();
                last = e;
            }
        } while (System.nanoTime() < deadline);
        throw last;
    }

    /**
     * Freezes the server with SIGSTOP: connections stay open but nothing is answered, like a
     * server stuck in a long operation or behind a broken network.
     *
     * @throws IllegalStateException if the server is not running
     */
    public synchronized void pause() {
        requireRunning("pause");
        signal("STOP");
        paused = true;
    }

    /**
     * Thaws a server frozen by {@link #pause()} with SIGCONT. Does nothing if it is not paused.
     */
    public synchronized void resume() {
        if (!paused || !isRunning()) {
            paused = false;
            return;
        }
        signal("CONT");
        paused = false;
    }

    /**
     * Whether {@link #pause()} froze the server and it was not resumed since.
     *
     * @return {@code true} if paused
     */
    public synchronized boolean isPaused() {
        return paused;
    }

    /**
     * Sends one command over a fresh connection and returns the decoded reply, for tests that
     * inspect the server's state independently of the code under test.
     *
     * <p>Replies map to Java as: simple strings and bulk strings to {@link String} (UTF-8),
     * integers to {@link Long}, arrays to {@link List}, nil to {@code null}; an error reply
     * throws {@link IllegalStateException} with the server's message.
     *
     * @param args the command and its arguments, e.g. {@code "ZCARD", "asgi.foo"}
     * @return the decoded reply
     * @throws UncheckedIOException if the server cannot be reached within 5 s
     */
    public Object command(String... args) {
        if (args.length == 0) {
            throw new IllegalArgumentException("args must name a command, got none");
        }
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(LOOPBACK, port), 5_000);
            socket.setSoTimeout(5_000);
            OutputStream out = socket.getOutputStream();
            BufferedInputStream in = new BufferedInputStream(socket.getInputStream());
            if (password != null) {
                out.write(encodeCommand("AUTH", password));
                out.flush();
                readReply(in);
            }
            out.write(encodeCommand(args));
            out.flush();
            return readReply(in);
        } catch (IOException e) {
            throw new UncheckedIOException("redis-server on port " + port + " did not answer "
                    + args[0], e);
        }
    }

    /** Deletes every key of every database ({@code FLUSHALL}). */
    public void flushAll() {
        command("FLUSHALL");
    }

    /**
     * The server's log so far, for failure messages.
     *
     * @return the log text, or an empty string if there is none
     */
    public String log() {
        try {
            Path log = dir.resolve("redis.log");
            return Files.exists(log) ? Files.readString(log) : "";
        } catch (IOException e) {
            return "(log unreadable: " + e + ")";
        }
    }

    /** Kills the server if it runs and deletes its directory. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        stop();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException shuttingDown) {
            // The JVM is already shutting down; the hook runs anyway and is harmless.
        }
        deleteRecursively(dir);
    }

    @Override
    public String toString() {
        return "RedisServer[" + uri() + (isRunning() ? (paused ? ", paused" : "") : ", stopped")
                + "]";
    }

    private void launch() {
        List<String> cmd = new ArrayList<>(List.of(executable.toString(),
                "--port", Integer.toString(port),
                "--bind", LOOPBACK,
                "--protected-mode", "yes",
                "--save", "",
                "--appendonly", "no",
                "--daemonize", "no",
                "--dir", dir.toString(),
                "--logfile", ""));
        if (password != null) {
            cmd.addAll(List.of("--requirepass", password));
        }
        for (String command : disabledCommands) {
            cmd.addAll(List.of("--rename-command", command, ""));
        }
        if (tls != null) {
            cmd.addAll(List.of("--tls-port", Integer.toString(tlsPort),
                    "--tls-cert-file", tls.certificate().toString(),
                    "--tls-key-file", tls.privateKey().toString(),
                    "--tls-ca-cert-file", tls.certificate().toString(),
                    "--tls-auth-clients", "no"));
        }
        ProcessBuilder builder = new ProcessBuilder(cmd)
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("redis.log").toFile()));
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + executable + ": " + e.getMessage(), e);
        }
        paused = false;
        awaitPing();
    }

    private void awaitPing() {
        long deadline = System.nanoTime() + DEFAULT_START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("redis-server on port " + port
                        + " exited with status " + process.exitValue() + "; log:\n" + log());
            }
            try {
                if ("PONG".equals(command("PING"))) {
                    return;
                }
            } catch (UncheckedIOException | IllegalStateException notYet) {
                // Still starting (connection refused or LOADING): poll again shortly.
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for redis-server", e);
            }
        }
        throw new IllegalStateException("redis-server on port " + port + " did not answer PING within "
                + DEFAULT_START_TIMEOUT.toSeconds() + " s; log:\n" + log());
    }

    private void requireRunning(String operation) {
        if (!isRunning()) {
            throw new IllegalStateException("cannot " + operation + ": redis-server on port " + port
                    + " is not running");
        }
    }

    private void signal(String name) {
        try {
            Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid()))
                    .redirectErrorStream(true).start();
            String output = new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
                throw new IllegalStateException("kill -" + name + " " + process.pid()
                        + " failed: " + output);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run kill -" + name, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while sending SIG" + name, e);
        }
    }

    private synchronized void destroyQuietly() {
        if (process != null && process.isAlive()) {
            process.destroyForcibly();
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Finds {@code redis-server} on PATH, for fixtures that run it in other modes.
     *
     * @return the executable
     * @throws IllegalStateException naming {@code apt-get install redis-server} if it is missing
     */
    public static Path executable() {
        return findExecutable();
    }

    private static Path findExecutable() {
        String path = System.getenv("PATH");
        if (path != null) {
            for (String entry : path.split(File.pathSeparator)) {
                if (entry.isEmpty()) {
                    continue;
                }
                Path candidate = Path.of(entry, "redis-server");
                if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                    return candidate;
                }
            }
        }
        throw new IllegalStateException("redis-server was not found on PATH; the Redis tests need a "
                + "real server: install it with `apt-get install redis-server`");
    }

    // The static helpers below are package-private because RedisSentinel runs the same binary
    // the same way: one copy of the process, port and protocol handling serves both fixtures.

    /** Stops a process gracefully (SIGTERM), with SIGKILL if it is still there after 10 s. */
    static void stopProcess(Process process) {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }

    /** Returns a port of 127.0.0.1 that was free a moment ago; callers retry if it was taken since. */
    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(LOOPBACK))) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot find a free port on " + LOOPBACK, e);
        }
    }

    /** Encodes a command as a RESP array of bulk strings. */
    static byte[] encodeCommand(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        writeAscii(out, "*" + args.length + "\r\n");
        for (String arg : args) {
            byte[] bytes = arg.getBytes(StandardCharsets.UTF_8);
            writeAscii(out, "$" + bytes.length + "\r\n");
            out.writeBytes(bytes);
            writeAscii(out, "\r\n");
        }
        return out.toByteArray();
    }

    private static void writeAscii(ByteArrayOutputStream out, String text) {
        out.writeBytes(text.getBytes(StandardCharsets.US_ASCII));
    }

    /**
     * Reads one RESP reply: simple and bulk strings as {@link String}, integers as {@link Long},
     * arrays as {@link List}, nil as {@code null}; an error reply throws
     * {@link IllegalStateException}.
     */
    static Object readReply(InputStream in) throws IOException {
        int type = in.read();
        if (type < 0) {
            throw new IOException("connection closed before the reply");
        }
        String line = readLine(in);
        switch (type) {
            case '+':
                return line;
            case '-':
                throw new IllegalStateException("redis error: " + line);
            case ':':
                return Long.parseLong(line);
            case '$': {
                int length = Integer.parseInt(line);
                if (length < 0) {
                    return null;
                }
                byte[] data = in.readNBytes(length + 2);
                if (data.length != length + 2) {
                    throw new IOException("connection closed inside a bulk string");
                }
                return new String(data, 0, length, StandardCharsets.UTF_8);
            }
            case '*': {
                int count = Integer.parseInt(line);
                if (count < 0) {
                    return null;
                }
                List<Object> items = new ArrayList<>(count);
                for (int i = 0; i < count; i++) {
                    items.add(readReply(in));
                }
                return items;
            }
            default:
                throw new IOException("unexpected reply type '" + (char) type + "'");
        }
    }

    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int previous = -1;
        while (true) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("connection closed inside a reply line");
            }
            if (previous == '\r' && b == '\n') {
                byte[] bytes = line.toByteArray();
                return new String(bytes, 0, bytes.length - 1, StandardCharsets.UTF_8);
            }
            line.write(b);
            previous = b;
        }
    }

    /** Deletes a directory tree, ignoring failures: a leftover temporary directory is harmless. */
    static void deleteRecursively(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // A leftover temp directory is harmless; the test result matters more.
        }
    }
}
