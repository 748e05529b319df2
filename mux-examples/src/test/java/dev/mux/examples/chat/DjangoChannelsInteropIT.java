package dev.mux.examples.chat;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mux.examples.testing.DaphneProcess;
import dev.mux.examples.testing.JsonSocket;
import dev.mux.examples.testing.RedisProcess;
import dev.mux.examples.testing.ServerProcess;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The example's chat and the Django Channels tutorial chat (daphne, channels_redis) on one Redis:
 * a client of each server, in one room, hears the other, both ways.
 */
class DjangoChannelsInteropIT {

    @TempDir
    Path tmp;

    @Test
    void clientsOfMuxAndOfDjangoChannelsChatInOneRoom() throws Exception {
        try (RedisProcess redis = RedisProcess.start();
             ServerProcess mux = ServerProcess.start(List.of("--port", "0", "--data-dir", tmp.toString(),
                     "--redis", redis.uri().toString()));
             DaphneProcess django = DaphneProcess.start(redis.uri())) {
            URI muxWs = URI.create("ws://127.0.0.1:" + mux.uri().getPort());
            try (JsonSocket javaClient = JsonSocket.open(muxWs.resolve("/ws/chat/interop/"));
                 JsonSocket pythonClient = JsonSocket.open(django.ws().resolve("/ws/chat/interop/"), django.origin());
                 JsonSocket otherRoom = JsonSocket.open(django.ws().resolve("/ws/chat/elsewhere/"), django.origin())) {

                javaClient.send(Map.of("message", "hello from Mux"));
                assertThat(pythonClient.receive().toString()).isEqualTo("{\"message\":\"hello from Mux\"}");
                assertThat(javaClient.receive().toString()).isEqualTo("{\"message\":\"hello from Mux\"}");

                pythonClient.send(Map.of("message", "hello from Django \u00e9\u00e8 \u2713"));
                assertThat(javaClient.receive().get("message").asText()).isEqualTo("hello from Django \u00e9\u00e8 \u2713");
                assertThat(pythonClient.receive().get("message").asText()).isEqualTo("hello from Django \u00e9\u00e8 \u2713");

                // The room boundary holds across both servers.
                otherRoom.send(Map.of("message", "only here"));
                assertThat(otherRoom.receive().get("message").asText()).isEqualTo("only here");
                javaClient.send(Map.of("message", "last"));
                assertThat(pythonClient.receive().get("message").asText()).isEqualTo("last");
            }
        }
    }
}
