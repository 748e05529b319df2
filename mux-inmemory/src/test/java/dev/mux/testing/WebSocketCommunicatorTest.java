package dev.mux.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mux.consumer.ConnectResult;
import dev.mux.consumer.JsonWebSocketConsumer;
import dev.mux.consumer.Scope;
import dev.mux.consumer.WebSocketConsumer;
import dev.mux.inmemory.InMemoryChannelLayer;
import dev.mux.routing.Authentication;
import dev.mux.routing.Router;
import java.security.Principal;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class WebSocketCommunicatorTest {

    private final InMemoryChannelLayer layer = new InMemoryChannelLayer();

    @AfterEach
    void tearDown() {
        layer.close();
    }

    /** Answers the first frame with its scope as JSON. */
    static final class ScopeReporter extends JsonWebSocketConsumer {
        @Override
        protected void onJson(JsonNode content) {
            Scope s = scope();
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("path", s.path());
            out.put("query", s.queryParams());
            out.put("route", s.routeParams());
            out.put("user", s.principal().map(Principal::getName).orElse(null));
            out.put("cookie", s.cookies().get("sessionid"));
            out.put("agent", s.header("User-Agent").orElse(null));
            out.put("remote", s.remoteAddress().map(a -> a.getHostString()).orElse(null));
            out.put("channel", channelName().contains("!"));
            out.put("id", connectionId());
            sendJson(out);
        }
    }

    private static Principal user(String name) {
        return () -> name;
    }

    private final Router router = Router.builder()
            .route("/ws/chat/{room}/", ScopeReporter::new)
            .route("^/demultiplex/(?<room_name>[a-zA-Z0-9_]+)/$", ScopeReporter::new)
            .route("/ws/private/", ScopeReporter::new)
            .allowedOrigins("https://app.example.com")
            .authenticator(handshake -> {
                if (handshake.path().equals("/ws/private/")) {
                    return handshake.queryParam("token").filter("s3cret"::equals)
                            .map(t -> Authentication.user(user("token-user")))
                            .orElse(Authentication.refuse("bad token"));
                }
                if (handshake.queryParam("explode").isPresent()) {
                    throw new IllegalStateException("authenticator bug");
                }
                return handshake.principal().map(Authentication::user).orElse(Authentication.anonymous());
            })
            .build();

    private WebSocketCommunicator.Builder via(String path) {
        return WebSocketCommunicator.builder(layer).router(router).path(path).header("Host", "chat.example.com:8443");
    }

    @Test
    void routeParametersQueryHeadersCookiesAndThePrincipalReachTheScope() {
        try (WebSocketCommunicator c = via("/demultiplex/room_7/?a=1&a=2&b=x%20y")
                .header("User-Agent", "test-agent")
                .header("Cookie", "theme=dark; sessionid=\"abc\"")
                .principal(user("container-user"))
                .build()) {
            assertThat(c.connect().accepted()).isTrue();
            c.sendJson(Map.of());
            JsonNode scope = c.receiveJson();
            assertThat(scope.get("path").asText()).isEqualTo("/demultiplex/room_7/");
            assertThat(scope.get("route").get("room_name").asText()).isEqualTo("room_7");
            assertThat(scope.get("query").get("a").toString()).isEqualTo("[\"1\",\"2\"]");
            assertThat(scope.get("query").get("b").get(0).asText()).isEqualTo("x y");
            assertThat(scope.get("user").asText()).isEqualTo("container-user");
            assertThat(scope.get("cookie").asText()).isEqualTo("abc");
            assertThat(scope.get("agent").asText()).isEqualTo("test-agent");
            assertThat(scope.get("remote").asText()).isEqualTo("127.0.0.1");
            assertThat(scope.get("channel").asBoolean()).isTrue();
            assertThat(scope.get("id").asText()).startsWith("ws-");
        }
    }

    @Test
    void anUnmatchedPathIsRefusedWith404() {
        try (WebSocketCommunicator c = via("/ws/nowhere/").build()) {
            ConnectResult r = c.connect();
            assertThat(r.accepted()).isFalse();
            assertThat(r.status()).isEqualTo(404);
        }
        try (WebSocketCommunicator c = via("/demultiplex/not-allowed-chars/").build()) {
            assertThat(c.connect().status()).isEqualTo(404);
        }
    }

    @Test
    void aForeignOriginIsRefusedWith403AndTheSameHostOrAnAllowedOriginIsNot() {
        try (WebSocketCommunicator c = via("/ws/chat/lobby/").header("Origin", "https://evil.example.net").build()) {
            assertThat(c.connect().status()).isEqualTo(403);
        }
        try (WebSocketCommunicator c = via("/ws/chat/lobby/").header("Origin", "https://chat.example.com:8443").build()) {
            assertThat(c.connect().accepted()).isTrue();
        }
        try (WebSocketCommunicator c = via("/ws/chat/lobby/").header("Origin", "https://app.example.com").build()) {
            assertThat(c.connect().accepted()).isTrue();
        }
        try (WebSocketCommunicator c = via("/ws/chat/lobby/").build()) {
            assertThat(c.connect().accepted()).as("no Origin: not a browser").isTrue();
        }
    }

    @Test
    void theAuthenticatorCanRefuseWith403OrSetThePrincipal() {
        try (WebSocketCommunicator c = via("/ws/private/?token=wrong").build()) {
            assertThat(c.connect().status()).isEqualTo(403);
        }
        try (WebSocketCommunicator c = via("/ws/private/?token=s3cret").build()) {
            assertThat(c.connect().accepted()).isTrue();
            c.sendJson(Map.of());
            assertThat(c.receiveJson().get("user").asText()).isEqualTo("token-user");
        }
    }

    @Test
    void anAuthenticatorThatThrowsRefusesWith500() {
        try (WebSocketCommunicator c = via("/ws/chat/lobby/?explode=1").build()) {
            assertThat(c.connect().status()).isEqualTo(500);
        }
    }

    @Test
    void failedExpectationsSayWhatWasSeen() {
        try (WebSocketCommunicator c = WebSocketCommunicator.builder(layer).consumer(() -> new WebSocketConsumer() {
            @Override
            protected void onText(String text) {
                if (text.equals("close")) {
                    close(4000, "done");
                } else {
                    sendText(text);
                }
            }
        }).timeout(Duration.ofMillis(200)).build()) {
            c.connect();
            assertThatThrownBy(c::receiveText).isInstanceOf(AssertionError.class)
                    .hasMessageContaining("but got nothing");
            c.sendText("not json");
            assertThatThrownBy(c::receiveJson).isInstanceOf(AssertionError.class)
                    .hasMessageContaining("does not parse");
            c.sendText("x");
            assertThatThrownBy(c::expectNothing).isInstanceOf(AssertionError.class)
                    .hasMessageContaining("a text frame of 1 characters");
            c.sendText("y");
            assertThatThrownBy(c::receiveClose).isInstanceOf(AssertionError.class)
                    .hasMessageContaining("expected a close but got a text frame");
            c.sendText("close");
            assertThatThrownBy(c::receiveText).isInstanceOf(AssertionError.class)
                    .hasMessageContaining("a close with code 4000 (done)");
        }
    }

    @Test
    void aConnectThatNeverGetsADecisionFailsAfterItsTimeout() {
        try (WebSocketCommunicator c = WebSocketCommunicator.builder(layer).consumer(() -> new WebSocketConsumer() {
            @Override
            protected void onConnect() {
            }
        }).build()) {
            assertThatThrownBy(() -> c.connect(Duration.ofMillis(100))).isInstanceOf(AssertionError.class)
                    .hasMessageContaining("neither accepted nor rejected");
        }
    }

    @Test
    void misuseIsReportedClearly() {
        assertThatThrownBy(() -> WebSocketCommunicator.builder(layer).build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("exactly one of router");
        assertThatThrownBy(() -> WebSocketCommunicator.builder(layer).path("no-slash"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("must start with '/'");
        try (WebSocketCommunicator c = WebSocketCommunicator.builder(layer).consumer(ScopeReporter::new).build()) {
            assertThatThrownBy(() -> c.sendText("x")).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("not connected");
            c.connect();
            assertThatThrownBy(c::connect).isInstanceOf(IllegalStateException.class);
        }
    }

    @Test
    void communicatorsCanShareOneRuntime() {
        AtomicReference<String> seen = new AtomicReference<>();
        try (var runtime = dev.mux.consumer.ConsumerRuntime.builder().layer(layer).build();
             WebSocketCommunicator a = WebSocketCommunicator.builder(layer).runtime(runtime)
                     .consumer(ScopeReporter::new).build();
             WebSocketCommunicator b = WebSocketCommunicator.builder(layer).runtime(runtime)
                     .consumer(ScopeReporter::new).build()) {
            a.connect();
            b.connect();
            assertThat(runtime.stats().openConnections()).isEqualTo(2);
            a.sendJson(Map.of());
            seen.set(a.receiveJson().get("id").asText());
            a.disconnect();
            assertThat(runtime.stats().openConnections()).isEqualTo(1);
        }
        assertThat(seen.get()).isNotNull();
    }
}
