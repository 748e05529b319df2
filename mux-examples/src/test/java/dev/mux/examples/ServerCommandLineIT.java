package dev.mux.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mux.examples.testing.FreePorts;
import dev.mux.examples.testing.JsonSocket;
import dev.mux.examples.testing.ServerProcess;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code java -jar mux-examples.jar} as a user runs it: output, exit codes, failures, restarts. */
class ServerCommandLineIT {

    private static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    Path tmp;

    private static HttpResponse<String> get(URI uri) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private List<String> args(int port, String... more) {
        List<String> args = new java.util.ArrayList<>(List.of("--port", String.valueOf(port),
                "--data-dir", tmp.resolve("data").toString()));
        args.addAll(List.of(more));
        return args;
    }

    @Test
    void theServerPrintsOneReadyLineWithItsUrlAndServesThePage() throws Exception {
        int port = FreePorts.find();
        try (ServerProcess server = ServerProcess.start(args(port))) {
            assertThat(server.isReady()).as(server.stderr()).isTrue();
            assertThat(server.uri()).isEqualTo(URI.create("http://127.0.0.1:" + port + "/"));
            assertThat(server.stdout().lines().toList()).hasSize(1);
            assertThat(server.stdout()).startsWith("Mux example ready at http://127.0.0.1:" + port + "/ (admin: ");
            assertThat(server.adminToken()).hasSizeGreaterThanOrEqualTo(20);

            assertThat(get(server.uri()).body()).contains("<title>Mux example");
        }
    }

    @Test
    void aGivenAdminTokenIsNotPrinted() {
        try (ServerProcess server = ServerProcess.start(args(0, "--admin-token", "given-token-123"))) {
            assertThat(server.stdout()).startsWith("Mux example ready at http://127.0.0.1:")
                    .doesNotContain("given-token-123").doesNotContain("admin");
            assertThat(server.stderr()).doesNotContain("given-token-123");
        }
    }

    @Test
    void environmentVariablesWorkLikeOptions() {
        int port = FreePorts.find();
        try (ServerProcess server = ServerProcess.start(List.of(),
                Map.of("MUX_PORT", String.valueOf(port), "MUX_DATA_DIR", tmp.resolve("env-data").toString()))) {
            assertThat(server.uri().getPort()).isEqualTo(port);
            assertThat(tmp.resolve("env-data")).isDirectory();
        }
    }

    @Test
    void helpPrintsTheOptionsAndExitsWithZero() {
        ServerProcess process = ServerProcess.start(List.of("--help"));

        assertThat(process.awaitExit(Duration.ofSeconds(20))).isZero();
        assertThat(process.stdout()).contains("Usage: java -jar mux-examples.jar [options]")
                .contains("--redis").contains("--data-dir").contains("--allowed-origin").contains("--admin-token")
                .contains("--jdbc-url");
    }

    @Test
    void aBadOptionExitsWithTwoAndSaysWhatWasWrong() {
        ServerProcess process = ServerProcess.start(List.of("--port", "eighty"));

        assertThat(process.awaitExit(Duration.ofSeconds(20))).isEqualTo(2);
        assertThat(process.stderr()).isEqualTo("mux-examples: --port must be a port number from 0 to 65535,"
                + " was 'eighty'\nRun with --help to see the options.\n");
        assertThat(process.stdout()).isEmpty();
    }

    @Test
    void aTakenPortFailsFastWithAClearMessage() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            ServerProcess process = ServerProcess.start(args(taken.getLocalPort()));

            assertThat(process.awaitExit(Duration.ofSeconds(30))).isEqualTo(1);
            assertThat(process.stderr()).contains("mux-examples: port " + taken.getLocalPort()
                    + " on 127.0.0.1 is already in use; stop what uses it or choose another with --port");
            assertThat(process.stdout()).isEmpty();
        }
    }

    @Test
    void anUnwritableDataDirectoryFailsFastWithAClearMessage() throws Exception {
        Path file = Files.writeString(tmp.resolve("a-file"), "not a directory");
        Path dataDir = file.resolve("data");

        ServerProcess process = ServerProcess.start(List.of("--port", "0", "--data-dir", dataDir.toString()));

        assertThat(process.awaitExit(Duration.ofSeconds(30))).isEqualTo(1);
        assertThat(process.stderr()).contains("mux-examples: data directory " + dataDir + " is not writable")
                .contains("choose another with --data-dir");
    }

    @Test
    void aDataDirectoryInUseByAnotherServerFailsFast() {
        try (ServerProcess first = ServerProcess.start(args(0))) {
            assertThat(first.isReady()).isTrue();

            ServerProcess second = ServerProcess.start(args(0));

            assertThat(second.awaitExit(Duration.ofSeconds(30))).isEqualTo(1);
            assertThat(second.stderr()).contains("is in use by another process; give each server its own"
                    + " --data-dir, or share a --jdbc-url database");
        }
    }

    @Test
    void anUnreachableRedisFailsFastWithAClearMessage() {
        int closedPort = FreePorts.find();

        ServerProcess process = ServerProcess.start(args(0, "--redis", "redis://127.0.0.1:" + closedPort));

        assertThat(process.awaitExit(Duration.ofSeconds(30))).isEqualTo(1);
        assertThat(process.stderr()).contains("mux-examples: cannot reach Redis at 127.0.0.1:" + closedPort
                + " (Connection refused); start it or check --redis");
        assertThat(process.stdout()).isEmpty();
    }

    @Test
    void anUnsupportedJdbcUrlFailsFast() {
        ServerProcess process = ServerProcess.start(List.of("--port", "0", "--jdbc-url", "jdbc:mysql://127.0.0.1/x"));

        assertThat(process.awaitExit(Duration.ofSeconds(30))).isEqualTo(1);
        assertThat(process.stderr()).contains("--jdbc-url: this server includes drivers for PostgreSQL"
                + " (jdbc:postgresql:) and H2 (jdbc:h2:) only, was 'jdbc:mysql://127.0.0.1/x'");
    }

    @Test
    void sigtermClosesOpenSocketsWithGoingAwayAndStopsCleanly() {
        try (ServerProcess server = ServerProcess.start(args(0))) {
            URI base = URI.create("ws://127.0.0.1:" + server.uri().getPort());
            try (JsonSocket chat = JsonSocket.open(base.resolve("/ws/chat/lobby/"));
                 JsonSocket board = JsonSocket.open(base.resolve("/demultiplex/lobby/"))) {
                chat.send(Map.of("message", "before the end"));
                assertThat(chat.receive().get("message").asText()).isEqualTo("before the end");

                assertThat(server.terminate()).isEqualTo(143);

                assertThat(chat.awaitClose(Duration.ofSeconds(10))).isEqualTo(1001);
                assertThat(board.awaitClose(Duration.ofSeconds(10))).isEqualTo(1001);
            }
            assertThat(server.stderr()).contains("mux-examples: stopping").contains("mux-examples: stopped")
                    .doesNotContain("Exception").doesNotContain("ERROR");
        }
    }

    @Test
    void storedMessagesSurviveARestart() throws Exception {
        int port = FreePorts.find();
        try (ServerProcess server = ServerProcess.start(args(port))) {
            HttpResponse<String> created = http.send(HttpRequest.newBuilder(server.uri().resolve("api/messages"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"room\": \"restart\", \"message\": \"still here\"}"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(created.statusCode()).isEqualTo(201);

            assertThat(server.terminate()).isEqualTo(143);
            assertThat(server.stderr()).contains("mux-examples: stopped");
        }
        try (ServerProcess again = ServerProcess.start(args(port))) {
            assertThat(get(again.uri().resolve("api/messages?room=restart")).body()).contains("\"still here\"");
        }
    }
}
