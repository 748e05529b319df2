package dev.mux.redis.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class RedisServerIT {

    @Test
    void startedServerAnswersOnLoopbackAndRestartsEmptyOnTheSamePort() {
        try (RedisServer server = RedisServer.start()) {
            assertThat(server.uri()).isEqualTo("redis://127.0.0.1:" + server.port());
            assertThat(server.command("SET", "k", "v")).isEqualTo("OK");
            assertThat(server.command("GET", "k")).isEqualTo("v");
            assertThat(server.command("CONFIG", "GET", "save")).isEqualTo(List.of("save", ""));
            int port = server.port();
            long oldPid = server.pid();

            server.restart();

            assertThat(server.port()).isEqualTo(port);
            assertThat(server.pid()).isNotEqualTo(oldPid);
            assertThat(server.command("GET", "k")).isNull();
        }
    }

    @Test
    void killedServerRefusesConnectionsUntilRestarted() {
        try (RedisServer server = RedisServer.start()) {
            server.kill();

            assertThat(server.isRunning()).isFalse();
            assertThatThrownBy(() -> server.command("PING")).hasMessageContaining("did not answer PING");

            server.restart();
            assertThat(server.command("PING")).isEqualTo("PONG");
        }
    }

    @Test
    void pausedServerAcceptsButDoesNotAnswerUntilResumed() throws IOException {
        try (RedisServer server = RedisServer.start()) {
            server.pause();
            try (Socket socket = new Socket()) {
                // The kernel completes the handshake from the listen backlog; redis never replies.
                socket.connect(new InetSocketAddress("127.0.0.1", server.port()), 2_000);
                socket.setSoTimeout(300);
                socket.getOutputStream().write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
                InputStream in = socket.getInputStream();
                assertThatThrownBy(in::read).isInstanceOf(SocketTimeoutException.class);

                server.resume();
                socket.setSoTimeout(5_000);
                byte[] reply = in.readNBytes(7);
                assertThat(new String(reply, StandardCharsets.US_ASCII)).isEqualTo("+PONG\r\n");
            }
        }
    }

    @Test
    void closeStopsAPausedServer() {
        RedisServer server = RedisServer.start();
        server.pause();
        server.close();
        assertThat(server.isRunning()).isFalse();
    }

    @Test
    void commandErrorCarriesTheServerMessage() {
        try (RedisServer server = RedisServer.start()) {
            assertThatThrownBy(() -> server.command("NOSUCHCOMMAND"))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("unknown command");
        }
    }
}
