package dev.mux.examples.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A private {@code redis-server} on a free loopback port, keeping nothing on disk, for the tests
 * of several example servers sharing one Redis.
 */
public final class RedisProcess implements AutoCloseable {
    private final Process process;
    private final int port;
    private final StringBuffer output = new StringBuffer();

    private RedisProcess(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    /**
     * Starts redis-server and waits until it accepts connections.
     *
     * @return the server
     */
    public static RedisProcess start() {
        int port = FreePorts.find();
        List<String> command = List.of("redis-server", "--bind", "127.0.0.1", "--port", String.valueOf(port),
                "--save", "", "--appendonly", "no", "--protected-mode", "yes", "--loglevel", "notice");
        Process process;
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new IllegalStateException("cannot run redis-server: install it (apt-get install redis-server)", e);
        }
        RedisProcess redis = new RedisProcess(process, port);
        CountDownLatch ready = new CountDownLatch(1);
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    redis.output.append(line).append('\n');
                    if (line.contains("Ready to accept connections")) {
                        ready.countDown();
                    }
                }
            } catch (IOException ignored) {
                // redis-server is gone.
            }
        }, "redis-output");
        reader.setDaemon(true);
        reader.start();
        try {
            if (!ready.await(20, TimeUnit.SECONDS)) {
                redis.close();
                throw new IllegalStateException("redis-server did not become ready:\n" + redis.output);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            redis.close();
            throw new IllegalStateException("interrupted", e);
        }
        return redis;
    }

    /**
     * Returns the URI to pass to {@code --redis}.
     *
     * @return {@code redis://127.0.0.1:PORT}
     */
    public URI uri() {
        return URI.create("redis://127.0.0.1:" + port);
    }

    /**
     * Returns the port.
     *
     * @return the port
     */
    public int port() {
        return port;
    }

    /** Stops redis-server. */
    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
