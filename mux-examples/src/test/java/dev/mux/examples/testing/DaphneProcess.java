package dev.mux.examples.testing;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * The Django Channels tutorial chat ({@code src/main/python/djangochat}) under daphne, with
 * Debian's {@code /usr/bin/python3}, on a free loopback port, its channel layer on a given Redis.
 */
public final class DaphneProcess implements AutoCloseable {
    private final Process process;
    private final int port;
    private final Path log;

    private DaphneProcess(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    /**
     * Starts daphne and waits until it accepts connections.
     *
     * @param redis the Redis the chat's channel layer uses
     * @return the running server
     * @throws IOException if it cannot be started
     */
    public static DaphneProcess start(URI redis) throws IOException {
        Path project = Path.of(System.getProperty("mux.examples.python", "src/main/python"), "djangochat")
                .toAbsolutePath();
        if (!Files.isRegularFile(project.resolve("djangochat/asgi.py"))) {
            throw new IllegalStateException("the Django chat project is missing at " + project);
        }
        if (!Files.isExecutable(Path.of("/usr/bin/python3"))) {
            throw new IllegalStateException("/usr/bin/python3 is missing: install Debian's python3,"
                    + " python3-daphne, python3-django-channels and python3-channels-redis");
        }
        int port = FreePorts.find();
        Path log = Files.createTempFile("mux-daphne", ".log");
        ProcessBuilder builder = new ProcessBuilder("/usr/bin/python3", "-m", "daphne", "-b", "127.0.0.1",
                "-p", String.valueOf(port), "djangochat.asgi:application")
                .directory(project.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().put("DJANGOCHAT_REDIS_URL", redis.toString());
        builder.environment().put("PYTHONDONTWRITEBYTECODE", "1");
        DaphneProcess daphne = new DaphneProcess(builder.start(), port, log);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            if (!daphne.process.isAlive()) {
                throw new IllegalStateException("daphne exited with " + daphne.process.exitValue()
                        + " (install Debian's python3-daphne, python3-django-channels and python3-channels-redis):\n"
                        + daphne.log());
            }
            try (Socket probe = new Socket()) {
                probe.connect(new InetSocketAddress("127.0.0.1", port), 500);
                return daphne;
            } catch (IOException notYet) {
                if (System.nanoTime() > deadline) {
                    daphne.close();
                    throw new IllegalStateException("daphne did not listen on port " + port + " within 60 s:\n"
                            + daphne.log());
                }
                // Not listening yet; daphne is still importing Django.
                try {
                    daphne.process.waitFor(100, TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    daphne.close();
                    throw new IllegalStateException("interrupted", e);
                }
            }
        }
    }

    /**
     * Returns the base WebSocket URI.
     *
     * @return {@code ws://127.0.0.1:PORT}
     */
    public URI ws() {
        return URI.create("ws://127.0.0.1:" + port);
    }

    /**
     * Returns the Origin a browser on daphne's pages would send; its origin check wants one.
     *
     * @return {@code http://127.0.0.1:PORT}
     */
    public String origin() {
        return "http://127.0.0.1:" + port;
    }

    /**
     * Returns what daphne printed.
     *
     * @return the log
     */
    public String log() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    /** Stops daphne. */
    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
            Files.deleteIfExists(log);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        } catch (IOException ignored) {
            // A temporary file left behind.
        }
    }
}
