package dev.mux.examples.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The example server as a separate process: {@code java -jar mux-examples.jar ...}, exactly as a
 * user runs it. Its standard output and error are collected for assertions.
 */
public final class ServerProcess implements AutoCloseable {

    /** How long a server may take to print its ready line. */
    public static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    private static final Pattern READY = Pattern.compile(
            "^Mux example ready at (\\S+)(?: \\(admin: \\S+#admin=(\\S+)\\))?$");

    private final Process process;
    private final StringBuffer stdout = new StringBuffer();
    private final StringBuffer stderr = new StringBuffer();
    private final CountDownLatch outputDone = new CountDownLatch(2);
    private volatile URI uri;
    private volatile String adminToken;

    private ServerProcess(Process process) {
        this.process = process;
    }

    /**
     * Returns the path of the server jar the build made.
     *
     * @return the jar
     */
    public static Path jar() {
        String property = System.getProperty("mux.examples.jar");
        Path jar = Path.of(property != null ? property : "target/mux-examples.jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar.toAbsolutePath() + " is missing: run the tests with"
                    + " 'mvn verify' so that the package phase builds it first");
        }
        return jar;
    }

    /**
     * Starts the jar with arguments and waits for it to exit or to print its ready line.
     *
     * @param args the command-line arguments
     * @return the process, ready (check {@link #isReady()}) or exited
     */
    public static ServerProcess start(List<String> args) {
        return start(args, Map.of());
    }

    /**
     * Starts the jar with arguments and environment variables, and waits for it to exit or to
     * print its ready line.
     *
     * @param args the command-line arguments
     * @param env  variables added to the environment
     * @return the process, ready or exited
     */
    public static ServerProcess start(List<String> args, Map<String, String> env) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx256m");
        command.add("-jar");
        command.add(jar().toAbsolutePath().toString());
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().keySet().removeIf(k -> k.startsWith("MUX_"));
        builder.environment().putAll(env);
        ServerProcess server;
        try {
            server = new ServerProcess(builder.start());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + command, e);
        }
        CountDownLatch ready = new CountDownLatch(1);
        server.pump(server.process.getInputStream(), server.stdout, line -> {
            Matcher m = READY.matcher(line);
            if (m.matches()) {
                server.uri = URI.create(m.group(1));
                server.adminToken = m.group(2);
                ready.countDown();
            }
        });
        server.pump(server.process.getErrorStream(), server.stderr, line -> { });
        server.process.onExit().thenRun(ready::countDown);
        try {
            if (!ready.await(START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                server.close();
                throw new AssertionError("the server printed no ready line within " + START_TIMEOUT
                        + "\nstdout:\n" + server.stdout + "\nstderr:\n" + server.stderr);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            server.close();
            throw new AssertionError("interrupted", e);
        }
        return server;
    }

    private void pump(InputStream in, StringBuffer sink, java.util.function.Consumer<String> onLine) {
        Thread thread = new Thread(() -> {
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                String line;
                while ((line = reader.readLine()) != null) {
                    sink.append(line).append('\n');
                    onLine.accept(line);
                }
            } catch (IOException ignored) {
                // The process is gone; what was read is kept.
            } finally {
                outputDone.countDown();
            }
        }, "server-output-" + process.pid());
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * Tells whether the server printed its ready line.
     *
     * @return true if it is serving
     */
    public boolean isReady() {
        return uri != null;
    }

    /**
     * Returns the page URL from the ready line.
     *
     * @return the URL
     * @throws AssertionError if the server is not ready
     */
    public URI uri() {
        if (uri == null) {
            throw new AssertionError("the server is not ready; stderr:\n" + stderr);
        }
        return uri;
    }

    /**
     * Returns the random admin token from the ready line.
     *
     * @return the token, or null if the server was given one
     */
    public String adminToken() {
        return adminToken;
    }

    /**
     * Waits for the process to exit by itself.
     *
     * @param timeout how long to wait
     * @return the exit code
     */
    public int awaitExit(Duration timeout) {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new AssertionError("the server did not exit within " + timeout + "\nstderr:\n" + stderr);
            }
            // Let the output threads read to the end.
            outputDone.await(5, TimeUnit.SECONDS);
            return process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /**
     * Sends SIGTERM and waits for the process to exit.
     *
     * @return the exit code
     */
    public int terminate() {
        // Through the handle: Process.destroy() would also close our ends of the pipes and lose
        // what the server prints while it stops.
        process.toHandle().destroy();
        return awaitExit(Duration.ofSeconds(20));
    }

    /**
     * Returns what the process printed on standard output so far.
     *
     * @return the text
     */
    public String stdout() {
        return stdout.toString();
    }

    /**
     * Returns what the process printed on standard error so far.
     *
     * @return the text
     */
    public String stderr() {
        return stderr.toString();
    }

    /**
     * Returns the process id.
     *
     * @return the pid
     */
    public long pid() {
        return process.pid();
    }

    /** Stops the process if it still runs: SIGTERM, then SIGKILL after a grace period. */
    @Override
    public void close() {
        if (!process.isAlive()) {
            return;
        }
        process.toHandle().destroy();
        try {
            if (!process.waitFor(15, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
