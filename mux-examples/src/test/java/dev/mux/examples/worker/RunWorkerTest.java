package dev.mux.examples.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mux.inmemory.InMemoryChannelLayer;
import dev.mux.worker.Worker;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class RunWorkerTest {

    @Test
    void theCommandLineNamesRedisAndTheChannels() {
        RunWorker.Arguments a = RunWorker.Arguments.parse("--redis", "redis://127.0.0.1:6390",
                "--concurrency", "3", "--name", "thumbs-1", "--group", "pictures", "--stop-timeout", "5",
                "thumbnails-generate");
        assertThat(a).isEqualTo(new RunWorker.Arguments("redis://127.0.0.1:6390", List.of("thumbnails-generate"),
                3, "pictures", "thumbs-1", Duration.ofSeconds(5)));
    }

    @Test
    void defaultsAreOneReceiverTheThumbnailsGroupAndThirtySeconds() {
        RunWorker.Arguments a = RunWorker.Arguments.parse("thumbnails-generate", "--redis", "redis://127.0.0.1:1");
        assertThat(a.concurrency()).isEqualTo(1);
        assertThat(a.group()).isEqualTo("thumbnails");
        assertThat(a.name()).isNull();
        assertThat(a.stopTimeout()).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void redisIsRequiredBecauseAnInMemoryWorkerProcessWouldBeUnreachable() {
        assertThatThrownBy(() -> RunWorker.Arguments.parse("thumbnails-generate"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("--redis is required");
    }

    @Test
    void badArgumentsGetAClearMessage() {
        assertThatThrownBy(() -> RunWorker.Arguments.parse("--redis", "http://127.0.0.1:6379", "c"))
                .hasMessage("--redis must look like redis://HOST:PORT, was 'http://127.0.0.1:6379'");
        assertThatThrownBy(() -> RunWorker.Arguments.parse("--redis", "redis://127.0.0.1:1"))
                .hasMessageStartingWith("name at least one channel");
        assertThatThrownBy(() -> RunWorker.Arguments.parse("--redis", "redis://127.0.0.1:1", "--concurrency", "x", "c"))
                .hasMessage("--concurrency needs an integer, was 'x'");
        assertThatThrownBy(() -> RunWorker.Arguments.parse("--redis", "redis://127.0.0.1:1", "--concurrency", "0", "c"))
                .hasMessage("--concurrency must be between 1 and 1024, was 0");
        assertThatThrownBy(() -> RunWorker.Arguments.parse("--redis"))
                .hasMessage("--redis needs a value");
        assertThatThrownBy(() -> RunWorker.Arguments.parse("--redis", "redis://127.0.0.1:1", "--verbose", "c"))
                .hasMessage("unknown option --verbose");
        assertThatThrownBy(() -> RunWorker.Arguments.parse("--redis", "redis://127.0.0.1:1", "--stop-timeout", "0", "c"))
                .hasMessage("--stop-timeout must be positive, was 0");
    }

    @Test
    void aChannelThisProgramDoesNotServeIsRejectedNamingTheOnesItDoes() {
        RunWorker.Arguments a = RunWorker.Arguments.parse("--redis", "redis://127.0.0.1:1", "emails");
        try (InMemoryChannelLayer layer = new InMemoryChannelLayer()) {
            assertThatThrownBy(() -> RunWorker.worker(a, layer, new ThumbnailStore()))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("no route for channel 'emails'; routed channels are [thumbnails-generate]");
        }
    }

    @Test
    void theWorkerItBuildsUsesTheArguments() {
        RunWorker.Arguments a = RunWorker.Arguments.parse("--redis", "redis://127.0.0.1:1", "--concurrency", "2",
                "--name", "w1", "thumbnails-generate");
        try (InMemoryChannelLayer layer = new InMemoryChannelLayer()) {
            Worker w = RunWorker.worker(a, layer, new ThumbnailStore());
            assertThat(w.name()).isEqualTo("w1");
            assertThat(w.channels()).containsExactly("thumbnails-generate");
            assertThat(w.options().concurrency()).isEqualTo(2);
            assertThat(w.state()).isEqualTo(Worker.State.NEW);
        }
    }

    @Test
    void runExitsWithStatusTwoAndUsageOnBadArguments() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = RunWorker.run(new String[] {"thumbnails-generate"}, System.out,
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(status).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8))
                .contains("RunWorker: --redis is required")
                .contains("usage: RunWorker --redis redis://HOST:PORT");
    }
}
