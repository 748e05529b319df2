package dev.mux.examples.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class LoadToolTest {

    private static final String URL = "ws://127.0.0.1:8080/ws/chat/bench/";

    @Test
    void aFullCommandLineBecomesTheConfiguration() {
        LoadTool.Command c = LoadTool.parse("--url", URL, "--clients", "500", "--senders", "2", "--messages", "300",
                "--rate", "20.5", "--window", "25", "--serial", "--warmup", "10", "--size", "128", "--origin", "http://localhost:8080",
                "--connect-concurrency", "8", "--connect-timeout", "3", "--idle-timeout", "0.5",
                "--max-duration", "60", "--io-clients", "4", "--ping-interval", "7.5", "--server-pid", "1", "--jvm-heap",
                "--label", "paced", "--json", "out.json");

        LoadConfig config = c.config();
        assertThat(c.help()).isFalse();
        assertThat(c.json()).isEqualTo("out.json");
        assertThat(config.url()).isEqualTo(URI.create(URL));
        assertThat(config.clients()).isEqualTo(500);
        assertThat(config.senders()).isEqualTo(2);
        assertThat(config.messages()).isEqualTo(300);
        assertThat(config.rate()).isEqualTo(20.5);
        assertThat(config.window()).isEqualTo(25);
        assertThat(config.serial()).isTrue();
        assertThat(config.warmup()).isEqualTo(10);
        assertThat(config.size()).isEqualTo(128);
        assertThat(config.origin()).isEqualTo("http://localhost:8080");
        assertThat(config.connectConcurrency()).isEqualTo(8);
        assertThat(config.connectTimeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(config.idleTimeout()).isEqualTo(Duration.ofMillis(500));
        assertThat(config.maxDuration()).isEqualTo(Duration.ofSeconds(60));
        assertThat(config.ioClients()).isEqualTo(4);
        assertThat(config.pingInterval()).isEqualTo(Duration.ofMillis(7500));
        assertThat(config.serverPid()).hasValue(1);
        assertThat(config.jvmHeap()).isTrue();
        assertThat(config.label()).isEqualTo("paced");
        assertThat(config.expectedDeliveries()).isEqualTo(500L * 2 * 300);
    }

    @Test
    void defaultsAreTheDocumentedConstantsAndASameOriginHeader() {
        LoadConfig config = LoadTool.parse("--url", URL).config();

        assertThat(config.clients()).isEqualTo(LoadConfig.DEFAULT_CLIENTS);
        assertThat(config.senders()).isEqualTo(LoadConfig.DEFAULT_SENDERS);
        assertThat(config.messages()).isEqualTo(LoadConfig.DEFAULT_MESSAGES);
        assertThat(config.rate()).isEqualTo(LoadConfig.DEFAULT_RATE);
        assertThat(config.window()).isEqualTo(LoadConfig.DEFAULT_WINDOW);
        assertThat(config.serial()).isFalse();
        assertThat(config.idleTimeout()).isEqualTo(LoadConfig.DEFAULT_IDLE_TIMEOUT);
        assertThat(config.maxDuration()).isEqualTo(LoadConfig.DEFAULT_MAX_DURATION);
        assertThat(config.origin()).isEqualTo("http://127.0.0.1:8080");
        assertThat(config.label()).isEqualTo("/ws/chat/bench/");
        assertThat(config.serverPid()).isEmpty();
        assertThat(config.pingInterval()).isZero();
    }

    @Test
    void helpNeedsNoUrl() {
        assertThat(LoadTool.parse("--help").help()).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"ws://127.0.0.1:1/ws/chat/a/", "ws://127.1.2.3:1/x", "ws://localhost:1/x",
            "ws://LOCALHOST:1/x", "ws://[::1]:1/x"})
    void loopbackUrlsAreAccepted(String url) {
        assertThat(LoadConfig.requireLoopback(URI.create(url))).isEqualTo(URI.create(url));
    }

    @ParameterizedTest
    @ValueSource(strings = {"ws://10.0.0.1:1/x", "ws://192.168.1.5/x", "ws://0.0.0.0:1/x", "ws://example.com/x",
            "ws://localhost.example.com/x", "ws://[2001:db8::1]/x", "ws://127.0.0.1.example.com/x"})
    void nonLoopbackUrlsAreRefusedWithoutResolvingNames(String url) {
        assertThatThrownBy(() -> LoadTool.parse("--url", url))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("--url must name a loopback address")
                .hasMessageContaining(url);
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://127.0.0.1:1/x", "wss://127.0.0.1:1/x", "/ws/chat/x/"})
    void onlyTheWsSchemeIsAccepted(String url) {
        assertThatThrownBy(() -> LoadTool.parse("--url", url))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("ws scheme");
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(delimiter = '|', value = {
            "--clients|0|--clients must be in [1, 20000]: 0",
            "--clients|20001|--clients must be in [1, 20000]: 20001",
            "--clients|many|--clients must be an integer: many",
            "--senders|51|--senders must be in [1, 50]: 51",
            "--senders|0|--senders must be in [1, 50]: 0",
            "--messages|0|--messages must be in [1, 1000000]: 0",
            "--rate|-1|--rate must be in [0, 100000.0] (0 = back to back): -1.0",
            "--rate|NaN|--rate must be a number: NaN",
            "--rate|fast|--rate must be a number: fast",
            "--warmup|-1|--warmup must be in [0, 1000000]: -1",
            "--window|-1|--window must be in [0, 1000000]: -1",
            "--size|70000|--size must be in [0, 65536]: 70000",
            "--connect-concurrency|0|--connect-concurrency must be in [1, 20000]: 0",
            "--io-clients|65|--io-clients must be in [1, 64]: 65",
            "--idle-timeout|0|--idle-timeout must be positive: 0",
            "--connect-timeout|-3|--connect-timeout must be positive: -3",
            "--max-duration|7200|--max-duration must be <= PT30M: PT2H",
            "--server-pid|0|--server-pid must be > 0: 0",
            "--ping-interval|-1|--ping-interval must not be negative: -1",
            "--ping-interval|7200|--ping-interval must be in [0, PT1H]: PT2H",
            "--server-pid|abc|--server-pid must be an integer: abc",
            "--origin|' '|--origin must not be blank",
    })
    void invalidValuesAreRefusedNamingOptionAndValue(String option, String value, String message) {
        assertThatThrownBy(() -> LoadTool.parse("--url", URL, option, value))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(message);
    }

    @Test
    void tooManyDeliveriesAreRefusedBeforeAnythingIsAllocated() {
        assertThatThrownBy(() -> LoadTool.parse("--url", URL, "--clients", "20000", "--senders", "10",
                "--messages", "1000"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("20000 x 10 x 1000 = 200000000");
    }

    @Test
    void heapMeasurementNeedsAServerPid() {
        assertThatThrownBy(() -> LoadTool.parse("--url", URL, "--jvm-heap"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--jvm-heap needs serverPid");
    }

    @Test
    void malformedCommandLinesAreRefused() {
        assertThatThrownBy(() -> LoadTool.parse()).hasMessage("--url is required");
        assertThatThrownBy(() -> LoadTool.parse("--url", URL, "--bogus", "1")).hasMessage("unknown option: --bogus");
        assertThatThrownBy(() -> LoadTool.parse("--url", URL, "stray")).hasMessage("unexpected argument: stray");
        assertThatThrownBy(() -> LoadTool.parse("--url", URL, "--clients")).hasMessage("--clients needs a value");
        assertThatThrownBy(() -> LoadTool.parse("--url", URL, "--url", URL)).hasMessage("option given twice: --url");
        assertThatThrownBy(() -> LoadTool.parse("--url", "ws://127.0.0.1:1/a b")).hasMessageContaining("not a URI");
    }

    @Test
    void badArgumentsExitWithUsageStatusAndConnectNothing() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();

        int status = LoadTool.run(new String[] {"--url", "ws://10.1.2.3:80/ws/chat/x/"}, print(out), print(err));

        assertThat(status).isEqualTo(LoadTool.EXIT_USAGE);
        assertThat(out.toString(StandardCharsets.UTF_8)).isEmpty();
        assertThat(err.toString(StandardCharsets.UTF_8))
                .startsWith("error: --url must name a loopback address")
                .contains("usage: LoadTool");
    }

    @Test
    void aServerPidThatIsNotAliveIsRefusedBeforeConnecting() throws Exception {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Process p = new ProcessBuilder("true").start();
        p.waitFor();

        int status = LoadTool.run(new String[] {"--url", URL, "--server-pid", Long.toString(p.pid())},
                print(new ByteArrayOutputStream()), print(err));

        assertThat(status).isEqualTo(LoadTool.EXIT_USAGE);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("not a live local process: " + p.pid());
    }

    @Test
    void chatFramesOfBothServersYieldTheirMessageText() {
        assertThat(LoadRunner.messageText("{\"message\": \"hi\"}")).contains("hi");
        assertThat(LoadRunner.messageText("{\"message\":\"hi\"}")).contains("hi");
        assertThat(LoadRunner.messageText("{\"user\": {\"message\": \"x\"}, \"message\": \"hi\"}")).contains("hi");
        assertThat(LoadRunner.messageText("{\"message\": 5}")).isEmpty();
        assertThat(LoadRunner.messageText("{\"text\": \"hi\"}")).isEmpty();
        assertThat(LoadRunner.messageText("[\"message\"]")).isEmpty();
        assertThat(LoadRunner.messageText("not json")).isEmpty();
    }

    private static PrintStream print(ByteArrayOutputStream bytes) {
        return new PrintStream(bytes, true, StandardCharsets.UTF_8);
    }
}
