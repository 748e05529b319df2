package dev.mux.redis.worker;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A process of Debian's {@code /usr/bin/python3} running the Django side of the worker interop
 * tests (the scripts in {@code mux-redis/src/test/python/workers}), with its output lines
 * collected. Shipped in mux-redis' test-jar for the examples' tests.
 *
 * <p>Fails loudly, naming the Debian packages to install, when Python, Django Channels or
 * channels_redis is missing. Threading: one test thread drives it; output is collected by two
 * reader threads into thread-safe lists.
 */
public final class PythonProcess implements AutoCloseable {

    static final Path PYTHON = Path.of("/usr/bin/python3");
    /** The scripts, found from mux-redis itself or from a sibling module of the build. */
    static final Path SCRIPTS = locateScripts();

    private final String description;
    private final Process process;
    private final List<String> out = new CopyOnWriteArrayList<>();
    private final List<String> err = new CopyOnWriteArrayList<>();
    private final Thread outReader;
    private final Thread errReader;

    private PythonProcess(String description, Process process) {
        this.description = description;
        this.process = process;
        this.outReader = reader(process.getInputStream(), out, "out");
        this.errReader = reader(process.getErrorStream(), err, "err");
    }

    private static Path locateScripts() {
        Path here = Path.of("src", "test", "python", "workers").toAbsolutePath();
        Path sibling = Path.of("..", "mux-redis", "src", "test", "python", "workers").toAbsolutePath().normalize();
        return Files.exists(here.resolve("mux_worker_settings.py")) ? here : sibling;
    }

    /** Checks once that the interpreter and the Django Channels packages are there. */
    public static void requirePython() {
        if (!Files.isExecutable(PYTHON)) {
            throw new IllegalStateException(PYTHON + " is missing: apt-get install python3 "
                    + "python3-django-channels python3-channels-redis");
        }
        if (!Files.isDirectory(SCRIPTS)) {
            throw new IllegalStateException("the Python test scripts are not at " + SCRIPTS
                    + "; run the tests from the mux-redis module directory");
        }
        try {
            Process p = new ProcessBuilder(PYTHON.toString(), "-c", "import django, channels, channels_redis")
                    .redirectErrorStream(true).start();
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException("Django Channels is not importable by " + PYTHON
                        + ": apt-get install python3-django-channels python3-channels-redis\n" + output);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + PYTHON, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while checking " + PYTHON, e);
        }
    }

    /**
     * Starts {@code python3 -m django runworker <channels>} with the test project.
     *
     * @param redisUri the Redis the layer connects to
     * @param channels the channels to receive on
     * @return the running worker
     */
    public static PythonProcess runworker(String redisUri, String... channels) {
        List<String> command = new ArrayList<>(List.of(PYTHON.toString(), "-u", "-m", "django", "runworker"));
        command.addAll(List.of(channels));
        command.add("--settings=mux_worker_settings");
        return start("runworker " + String.join(" ", channels), redisUri, command);
    }

    /**
     * Starts the Django-side client script with the given arguments.
     *
     * @param redisUri the Redis the layer connects to
     * @param args     the script's arguments after {@code --redis}
     * @return the running client
     */
    public static PythonProcess client(String redisUri, String... args) {
        List<String> command = new ArrayList<>(List.of(PYTHON.toString(), "-u", "mux_django_client.py",
                "--redis", redisUri));
        command.addAll(List.of(args));
        return start("client", redisUri, command);
    }

    private static PythonProcess start(String description, String redisUri, List<String> command) {
        ProcessBuilder pb = new ProcessBuilder(command).directory(SCRIPTS.toFile());
        Map<String, String> env = pb.environment();
        env.put("MUX_REDIS_URL", redisUri);
        env.put("PYTHONPATH", SCRIPTS.toString());
        env.put("PYTHONDONTWRITEBYTECODE", "1");
        try {
            return new PythonProcess(description, pb.start());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + command, e);
        }
    }

    /** The stdout lines so far. */
    public List<String> lines() {
        return List.copyOf(out);
    }

    /**
     * Waits until some stdout line matches.
     *
     * @return the first matching line
     * @throws AssertionError naming the process output if none matches in time, or if the
     *                        process exits first
     */
    public String awaitLine(Predicate<String> match, long timeoutSeconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        while (true) {
            for (String line : out) {
                if (match.test(line)) {
                    return line;
                }
            }
            if (!process.isAlive() && !outReader.isAlive()) {
                throw new AssertionError(description + " exited with " + process.exitValue()
                        + " before the expected line\n" + transcript());
            }
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("timed out after " + timeoutSeconds + " s waiting for a line from "
                        + description + "\n" + transcript());
            }
            Thread.sleep(5); // polling interval of a bounded wait
        }
    }

    /**
     * Waits for the process to exit on its own and returns its status.
     */
    public int awaitExit(long timeoutSeconds) throws InterruptedException {
        if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            throw new AssertionError(description + " did not exit within " + timeoutSeconds + " s\n" + transcript());
        }
        outReader.join(TimeUnit.SECONDS.toMillis(timeoutSeconds));
        errReader.join(TimeUnit.SECONDS.toMillis(timeoutSeconds));
        return process.exitValue();
    }

    /** What the process printed, for failure messages. */
    public String transcript() {
        return "--- stdout of " + description + "\n" + String.join("\n", out)
                + "\n--- stderr of " + description + "\n" + String.join("\n", err);
    }

    /** Stops the process (SIGTERM, then SIGKILL after 10 s). */
    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    private Thread reader(InputStream in, List<String> sink, String name) {
        Thread t = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    sink.add(line);
                }
            } catch (IOException e) {
                sink.add("<read failed: " + e + ">");
            }
        }, "python-" + name);
        t.setDaemon(true);
        t.start();
        return t;
    }
}
