package dev.mux.redis.worker;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mux.consumer.Handles;
import dev.mux.layer.ChannelLayer;
import dev.mux.layer.Message;
import dev.mux.worker.ChannelNameRouter;
import dev.mux.worker.Worker;
import dev.mux.worker.WorkerConsumer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Mux workers and Django Channels workers (Debian's python3-django-channels and
 * python3-channels-redis, run by /usr/bin/python3) on one Redis, both directions.
 */
class DjangoWorkerInteropIT extends RedisWorkerTestSupport {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<PythonProcess> pythons = new ArrayList<>();

    @BeforeAll
    static void requirePython() {
        PythonProcess.requirePython();
    }

    /** Runs before the support class's clean-up: the Python processes go before the workers. */
    @AfterEach
    void stopPythons() throws Exception {
        for (PythonProcess p : pythons) {
            p.close();
        }
    }

    private PythonProcess python(PythonProcess p) {
        pythons.add(p);
        return p;
    }

    /** Answers {"type": "generate", "id": N} with {"type": "thumbnail.done", ...} to the group. */
    static final class Generator extends WorkerConsumer {
        @Handles("generate")
        void generate(Message m) {
            long id = m.getLong("id");
            groupSend("thumbnails", Message.of("type", "thumbnail.done", "id", id,
                    "url", "/thumbnails/" + id + ".png", "by", "java", "channel", scope().channel()))
                    .toCompletableFuture().join();
        }
    }

    @Test
    void aDjangoSendToANamedChannelIsHandledByAJavaWorkerAndTheResultReachesDjango() throws Exception {
        start(Worker.builder(newLayer(),
                ChannelNameRouter.builder().route("thumbnails-generate", Generator::new).build()));

        PythonProcess client = python(PythonProcess.client(redis.uri(), "--channel", "thumbnails-generate",
                "--message", "{\"type\": \"generate\", \"id\": 42}", "--group", "thumbnails", "--expect", "1"));
        String reply = client.awaitLine(l -> l.startsWith("{"), WAIT_SECONDS);
        assertThat(client.awaitExit(WAIT_SECONDS)).as(client.transcript()).isZero();

        JsonNode done = JSON.readTree(reply);
        assertThat(done.get("type").asText()).isEqualTo("thumbnail.done");
        assertThat(done.get("id").asLong()).isEqualTo(42);
        assertThat(done.get("url").asText()).isEqualTo("/thumbnails/42.png");
        assertThat(done.get("by").asText()).isEqualTo("java");
        assertThat(done.get("channel").asText()).isEqualTo("thumbnails-generate");
    }

    @Test
    void aJavaSendToANamedChannelIsHandledByADjangoRunworker() throws Exception {
        PythonProcess runworker = python(PythonProcess.runworker(redis.uri(), "py-jobs"));
        ChannelLayer layer = newLayer();
        String replyTo = layer.newChannel();

        layer.send("py-jobs", Message.of("type", "job", "id", 7, "reply_to", replyTo)).toCompletableFuture().join();

        assertThat(runworker.awaitLine(l -> l.equals("HANDLED 7 py-jobs"), WAIT_SECONDS)).isNotNull();
        Message done = layer.receive(replyTo).toCompletableFuture().get(WAIT_SECONDS, TimeUnit.SECONDS);
        assertThat(done).isEqualTo(Message.of("type", "job.done", "id", 7, "by", "python"));
    }

    @Test
    void aJavaWorkerAndADjangoWorkerSplitOneChannelWithoutHandlingAnyMessageTwice() throws Exception {
        PythonProcess runworker = python(PythonProcess.runworker(redis.uri(), "shared-jobs"));
        ChannelLayer sender = newLayer();
        // Warm-up: wait until the Python worker is live before the Java worker competes with it.
        sender.send("shared-jobs", Message.of("type", "job", "id", -1)).toCompletableFuture().join();
        runworker.awaitLine(l -> l.equals("HANDLED -1 shared-jobs"), WAIT_SECONDS);

        List<Long> javaIds = new CopyOnWriteArrayList<>();
        CountDownLatch pythonTookOne = new CountDownLatch(1);
        class JavaJobs extends WorkerConsumer {
            @Handles("job")
            void job(Message m) throws InterruptedException {
                if (javaIds.isEmpty()) {
                    // Hold the Java side's first message until Python has handled one of the
                    // stream, so the test proves both take part.
                    if (!pythonTookOne.await(WAIT_SECONDS, TimeUnit.SECONDS)) {
                        throw new IllegalStateException("the Python worker took no message");
                    }
                }
                javaIds.add(m.getLong("id"));
            }
        }
        Worker java = start(Worker.builder(newLayer(),
                ChannelNameRouter.builder().route("shared-jobs", 2, JavaJobs::new).build()).name("java"));

        int count = 600;
        for (int i = 0; i < count; i++) {
            sender.send("shared-jobs", Message.of("type", "job", "id", i)).toCompletableFuture().join();
        }
        Set<Long> all = LongStream.range(0, count).boxed().collect(Collectors.toCollection(TreeSet::new));
        await("every message handled by one side or the other", () -> {
            List<Long> py = pythonIds(runworker);
            if (!py.isEmpty()) {
                pythonTookOne.countDown();
            }
            Set<Long> seen = new TreeSet<>(javaIds);
            seen.addAll(py);
            return seen.containsAll(all);
        });
        assertThat(java.stop().toCompletableFuture().get(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
        assertThat(redis.command("ZCARD", "asgishared-jobs")).isEqualTo(0L);

        List<Long> py = pythonIds(runworker);
        Map<Long, Integer> times = new HashMap<>();
        javaIds.forEach(id -> times.merge(id, 1, Integer::sum));
        py.forEach(id -> times.merge(id, 1, Integer::sum));
        assertThat(times.entrySet().stream().filter(e -> e.getValue() > 1).map(Map.Entry::getKey))
                .as("messages handled twice (java %d, python %d)", javaIds.size(), py.size())
                .isEmpty();
        assertThat(javaIds.size() + py.size()).isEqualTo(count);
        assertThat(javaIds).isNotEmpty();
        assertThat(py).isNotEmpty();
    }

    /** The stream ids the Python worker reported, without the warm-up. */
    private static List<Long> pythonIds(PythonProcess runworker) {
        List<Long> ids = new ArrayList<>();
        for (String line : runworker.lines()) {
            if (line.startsWith("HANDLED ") && line.endsWith(" shared-jobs")) {
                long id = Long.parseLong(line.split(" ")[1]);
                if (id >= 0) {
                    ids.add(id);
                }
            }
        }
        return ids;
    }
}
