package dev.mux.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mux.examples.board.JdbcMessageStore;
import dev.mux.examples.testing.LoopbackTyrus;
import dev.mux.examples.testing.JsonSocket;
import dev.mux.inmemory.InMemoryChannelLayer;
import dev.mux.jakarta.Mux;
import dev.mux.jakarta.MuxApplicationConfig;
import dev.mux.layer.ChannelLayer;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The example's endpoints deployed in a second container, Tyrus on Grizzly, through a
 * {@link MuxApplicationConfig} as a WAR would deploy them.
 */
class TyrusContainerIT {

    @TempDir
    static Path dataDir;

    private static Database database;
    private static ChannelLayer layer;
    private static ExampleApp app;
    private static LoopbackTyrus tyrus;
    private static int port;

    /** What the container finds and instantiates; it hands over the application's endpoints. */
    public static final class ExampleEndpoints extends MuxApplicationConfig {
        /** Created by the container. */
        public ExampleEndpoints() {
        }

        @Override
        protected Mux createMux() {
            return app.mux();
        }
    }

    @BeforeAll
    static void deploy() throws Exception {
        database = Database.openH2(dataDir);
        JdbcMessageStore store = new JdbcMessageStore(database.dataSource());
        store.createSchema();
        layer = new InMemoryChannelLayer();
        app = ExampleApp.create(layer, store, "tyrus-admin-token", List.of());
        ExampleEndpoints deployment = new ExampleEndpoints();
        tyrus = LoopbackTyrus.start(List.copyOf(deployment.getEndpointConfigs(java.util.Set.of())));
        port = tyrus.port();
    }

    @AfterAll
    static void undeploy() {
        if (tyrus != null) {
            tyrus.close();
        }
        app.close();
        layer.close();
        database.close();
    }

    private static URI ws(String path) {
        return URI.create("ws://127.0.0.1:" + port + path);
    }

    @Test
    void theChatRunsInTyrus() {
        try (JsonSocket alice = JsonSocket.open(ws("/ws/chat/tyrus/"));
             JsonSocket bob = JsonSocket.open(ws("/ws/chat/tyrus/"));
             JsonSocket carol = JsonSocket.open(ws("/ws/chat/other/"))) {
            alice.send(Map.of("message", "hello from Tyrus"));
            assertThat(bob.receive().toString()).isEqualTo("{\"message\":\"hello from Tyrus\"}");
            assertThat(alice.receive().toString()).isEqualTo("{\"message\":\"hello from Tyrus\"}");

            bob.send(Map.of("message", "and back"));
            assertThat(alice.receive().get("message").asText()).isEqualTo("and back");

            carol.send(Map.of("message", "elsewhere"));
            assertThat(carol.receive().get("message").asText()).isEqualTo("elsewhere");
        }
    }

    @Test
    void theBoardRunsInTyrus() {
        try (JsonSocket writer = JsonSocket.open(ws("/demultiplex/tyrus/"));
             JsonSocket reader = JsonSocket.open(ws("/demultiplex/tyrus/"))) {
            writer.send(Map.of("stream", "message-stream", "payload",
                    Map.of("action", "create", "data", Map.of("room", "tyrus", "message", "pinned in Tyrus"))));

            JsonNode broadcast = reader.receive();
            assertThat(broadcast.at("/payload/action").asText()).isEqualTo("create");
            assertThat(broadcast.at("/payload/data/message").asText()).isEqualTo("pinned in Tyrus");
        }
    }

    @Test
    void aForeignOriginIsRefusedWith403InTyrus() throws Exception {
        // A raw handshake: Tyrus answers a refusal without closing the connection or giving a
        // length, so a client that reads the body (the JDK's) would wait; a browser would not.
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(("GET /ws/chat/lobby/ HTTP/1.1\r\n"
                    + "Host: 127.0.0.1:" + port + "\r\n"
                    + "Upgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
                    + "Origin: https://evil.example\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            String statusLine = new BufferedReader(new InputStreamReader(socket.getInputStream(),
                    StandardCharsets.US_ASCII)).readLine();
            assertThat(statusLine).startsWith("HTTP/1.1 403");
        }
    }
}
