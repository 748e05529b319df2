package dev.mux.examples.worker;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mux.redis.testing.RedisServer;
import dev.mux.redis.worker.PythonProcess;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The README's bridge, end to end: {@code RunWorker} in its own JVM on a real Redis, and a
 * Django Channels client (Debian's python3-channels-redis) that hands it work and hears back.
 */
class RunWorkerIT {

    private static final long WAIT_SECONDS = 30;
    private static final ObjectMapper JSON = new ObjectMapper();

    private RedisServer redis;
    private Process worker;
    private final List<String> workerOutput = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void requirePython() {
        PythonProcess.requirePython();
    }

    @BeforeEach
    void startRedisAndWorker() throws Exception {
        redis = RedisServer.start();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        worker = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                "dev.mux.examples.worker.RunWorker", "--redis", redis.uri(), "--name", "thumbs-it",
                "--concurrency", "2", "thumbnails-generate")
                .redirectErrorStream(true)
                .start();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(worker.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    workerOutput.add(line);
                }
            } catch (IOException e) {
                workerOutput.add("<read failed: " + e + ">");
            }
        }, "runworker-output");
        reader.setDaemon(true);
        reader.start();
        awaitWorkerLine("RunWorker: worker thumbs-it receiving on [thumbnails-generate]");
    }

    @AfterEach
    void stop() throws Exception {
        if (worker.isAlive()) {
            worker.destroyForcibly().waitFor(WAIT_SECONDS, TimeUnit.SECONDS);
        }
        redis.close();
    }

    private void awaitWorkerLine(String fragment) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        while (workerOutput.stream().noneMatch(l -> l.contains(fragment))) {
            if (!worker.isAlive() && workerOutput.stream().noneMatch(l -> l.contains(fragment))) {
                throw new AssertionError("RunWorker exited with " + worker.exitValue() + " before printing '"
                        + fragment + "':\n" + String.join("\n", workerOutput));
            }
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("RunWorker did not print '" + fragment + "' within " + WAIT_SECONDS + " s:\n"
                        + String.join("\n", workerOutput));
            }
            Thread.sleep(10); // polling interval of a bounded wait
        }
    }

    private JsonNode djangoAsksFor(String request) throws Exception {
        try (PythonProcess client = PythonProcess.client(redis.uri(), "--channel", "thumbnails-generate",
                "--message", request, "--group", "thumbnails", "--expect", "1")) {
            String reply = client.awaitLine(l -> l.startsWith("{"), WAIT_SECONDS);
            assertThat(client.awaitExit(WAIT_SECONDS)).as(client.transcript()).isZero();
            return JSON.readTree(reply);
        }
    }

    @Test
    void djangoHandsAThumbnailJobToTheJavaWorkerAndHearsItIsDone() throws Exception {
        JsonNode done = djangoAsksFor("{\"type\": \"generate\", \"id\": 42}");
        assertThat(done.get("type").asText()).isEqualTo("thumbnail.done");
        assertThat(done.get("id").asLong()).isEqualTo(42);
        assertThat(done.get("size").asInt()).isEqualTo(128);
        assertThat(done.get("url").asText()).isEqualTo("/thumbnails/42-128.png");

        JsonNode failed = djangoAsksFor("{\"type\": \"generate\", \"id\": \"not-a-number\"}");
        assertThat(failed.get("type").asText()).isEqualTo("thumbnail.failed");
        assertThat(failed.get("error").asText()).isEqualTo("'id' must be an integer, was String not-a-number");

        // The worker survived the bad request and still serves.
        assertThat(djangoAsksFor("{\"type\": \"generate\", \"id\": 43, \"size\": 64}").get("url").asText())
                .isEqualTo("/thumbnails/43-64.png");
    }

    @Test
    void sigtermStopsTheWorkerGracefully() throws Exception {
        // SIGTERM through the handle: Process.destroy() would also close our end of its output.
        assertThat(worker.toHandle().destroy()).isTrue();
        assertThat(worker.waitFor(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
        awaitWorkerLine("worker thumbs-it: stopped (handled 0, failed 0, unhandled 0)");
        assertThat(String.join("\n", workerOutput)).doesNotContain("Exception");
    }
}
