package dev.mux.examples.load;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A server process for integration tests (redis-server, daphne) listening on a free loopback
 * port: started, awaited until it accepts connections, and stopped.
 */
final class LocalProcess implements AutoCloseable {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);

    final Process process;
    final int port;
    private final Path log;
    private final String name;

    private LocalProcess(String name, Process process, int port, Path log) {
        this.name = name;
        this.process = process;
        this.port = port;
        this.log = log;
    }

    /** Starts a private redis-server on a free loopback port, without persistence. */
    static LocalProcess redis() throws IOException, InterruptedException {
        int port = freePort();
        Path dir = Files.createTempDirectory("mux-load-redis");
        return start("redis-server", List.of("redis-server", "--port", Integer.toString(port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no", "--dir", dir.toString()), dir, Map.of(), port,
                "install redis-server (Debian: apt-get install redis-server)");
    }

    /** Starts the Django Channels chat under daphne on a free loopback port, using the given Redis. */
    static LocalProcess djangoChat(int redisPort) throws IOException, InterruptedException {
        Path project = Path.of("src/main/python/djangochat").toAbsolutePath();
        if (!Files.isRegularFile(project.resolve("djangochat/asgi.py"))) {
            throw new IllegalStateException("Django chat project not found at " + project
                    + " (run the integration tests from the mux-examples module)");
        }
        int port = freePort();
        return start("daphne", List.of("/usr/bin/python3", "-m", "daphne", "-v", "0", "-b", "127.0.0.1",
                        "-p", Integer.toString(port), "djangochat.asgi:application"), project,
                Map.of("DJANGOCHAT_REDIS_URL", "redis://127.0.0.1:" + redisPort), port,
                "install Debian's python3-django-channels, python3-channels-redis and python3-daphne");
    }

    private static LocalProcess start(String name, List<String> command, Path dir, Map<String, String> env, int port,
                                      String hint) throws IOException, InterruptedException {
        Path log = Files.createTempFile("mux-load-" + name, ".log");
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().putAll(env);
        Process process;
        try {
            process = pb.start();
        } catch (IOException e) {
            throw new IllegalStateException("cannot start " + command.get(0) + ": " + e.getMessage() + "; " + hint, e);
        }
        LocalProcess p = new LocalProcess(name, process, port, log);
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (!p.accepts()) {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited with " + process.exitValue() + " (" + hint + "): "
                        + Files.readString(log, StandardCharsets.UTF_8));
            }
            if (System.nanoTime() - deadline > 0) {
                p.close();
                throw new IllegalStateException(name + " did not accept connections on port " + port + " within "
                        + START_TIMEOUT + ": " + Files.readString(log, StandardCharsets.UTF_8));
            }
            process.waitFor(50, TimeUnit.MILLISECONDS);
        }
        return p;
    }

    private boolean accepts() {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    String log() throws IOException {
        return Files.readString(log, StandardCharsets.UTF_8);
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return name + " pid " + process.pid() + " port " + port;
    }
}
