package dev.mux.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Runs the unit tests of the page's client, {@code mux.js} ({@code src/test/js/mux.test.mjs}),
 * with Node's test runner: demultiplexing, request/reply correlation, jittered backoff,
 * reconnect events. They need Node.js 20+ and no packages.
 */
class MuxJsTest {

    @Test
    void theJavaScriptClientPassesItsUnitTests() throws IOException, InterruptedException {
        Path dir = Path.of(System.getProperty("mux.examples.js", "src/test/js")).toAbsolutePath();
        Process node;
        try {
            node = new ProcessBuilder("node", "--test", "mux.test.mjs").directory(dir.toFile())
                    .redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new IllegalStateException("cannot run node: install Node.js 20+ (apt-get install nodejs)", e);
        }
        String output = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(node.waitFor(60, TimeUnit.SECONDS)).as("node finished").isTrue();

        assertThat(node.exitValue()).as(output).isZero();
        assertThat(output).contains("# fail 0").containsPattern("# pass [1-9]");
    }
}
