package dev.mux.jakarta;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mux.consumer.TestConsumers;
import dev.mux.consumer.CloseCodes;
import dev.mux.consumer.ConnectResult;
import dev.mux.consumer.ConnectionLimits;
import dev.mux.inmemory.InMemoryChannelLayer;
import dev.mux.observe.CountingListener;
import dev.mux.routing.Authenticator;
import dev.mux.routing.TokenVerifier;
import jakarta.websocket.server.ServerEndpointConfig;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.Principal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.security.ConstraintMapping;
import org.eclipse.jetty.ee10.servlet.security.ConstraintSecurityHandler;
import org.eclipse.jetty.ee10.websocket.jakarta.server.config.JakartaWebSocketServletContainerInitializer;
import org.eclipse.jetty.security.Constraint;
import org.eclipse.jetty.security.HashLoginService;
import org.eclipse.jetty.security.UserStore;
import org.eclipse.jetty.security.authentication.BasicAuthenticator;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.security.Credential;
import org.glassfish.tyrus.client.ClientManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Who gets in, on a real Jetty 12 with a real client: the origin check (on by default), the
 * ready-made authenticators (query token, bearer header, container principal through servlet
 * BASIC security), the inbound rate limit and the per-address cap.
 */
class SecurityJettyIT {

    private static final String CONTEXT = "/app";
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final TokenVerifier TOKENS = token -> token.equals("good-token")
            ? Optional.of((Principal) () -> "token-user") : Optional.empty();

    private final CountingListener counts = new CountingListener();
    private final List<AutoCloseable> open = new ArrayList<>();
    private InMemoryChannelLayer layer;
    private Mux mux;
    private Server server;
    private ClientManager client;
    private int port;

    @BeforeEach
    void start() throws Exception {
        layer = new InMemoryChannelLayer();
        Authenticator query = Authenticator.queryToken("token", TOKENS);
        Authenticator bearer = Authenticator.bearerToken(TOKENS);
        Authenticator either = Authenticator.firstOf(bearer, query);
        Authenticator container = Authenticator.containerPrincipalRequired();
        mux = Mux.builder()
                .layer(layer)
                .listener(counts)
                .limits(ConnectionLimits.builder().maxInboundFramesPerSecond(2, 10).maxConnectionsPerAddress(6).build())
                .route("/ws/echo/", TestConsumers.Echo::new)
                .route("/ws/query/", ItConsumers.ScopeReport::new)
                .route("/ws/bearer/", ItConsumers.ScopeReport::new)
                .route("/ws/either/", ItConsumers.ScopeReport::new)
                .route("/ws/secure/container/", ItConsumers.ScopeReport::new)
                .allowedOrigins("https://app.example.com")
                .authenticator(h -> switch (h.path()) {
                    case "/ws/query/" -> query.authenticate(h);
                    case "/ws/bearer/" -> bearer.authenticate(h);
                    case "/ws/either/" -> either.authenticate(h);
                    case "/ws/secure/container/" -> container.authenticate(h);
                    default -> Authenticator.CONTAINER.authenticate(h);
                })
                .build();

        server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler(CONTEXT, ServletContextHandler.SECURITY);
        context.setSecurityHandler(basicAuthOn("/ws/secure/*"));
        server.setHandler(context);
        JakartaWebSocketServletContainerInitializer.configure(context, (servletContext, container1) -> {
            for (ServerEndpointConfig config : mux.endpointConfigs()) {
                container1.addEndpoint(config);
            }
        });
        server.start();
        port = connector.getLocalPort();
        client = TestContainers.tyrusClient();
    }

    /** Servlet BASIC security with one user, alice, on the given path: the container authenticates. */
    private static ConstraintSecurityHandler basicAuthOn(String pathSpec) {
        UserStore users = new UserStore();
        users.addUser("alice", Credential.getCredential("wonderland"), new String[] {"user"});
        HashLoginService login = new HashLoginService("mux");
        login.setUserStore(users);
        ConstraintMapping mapping = new ConstraintMapping();
        mapping.setPathSpec(pathSpec);
        mapping.setConstraint(Constraint.from("user"));
        ConstraintSecurityHandler security = new ConstraintSecurityHandler();
        security.setLoginService(login);
        security.setAuthenticator(new BasicAuthenticator());
        security.setConstraintMappings(List.of(mapping));
        return security;
    }

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : open) {
            try {
                c.close();
            } catch (Exception e) {
                // closed by the scenario
            }
        }
        client.shutdown();
        server.stop();
        mux.close();
        layer.close();
    }

    private int status(String path, Map<String, String> headers) throws Exception {
        RawWebSocket r = RawWebSocket.open(port, CONTEXT + path, headers);
        open.add(r);
        return r.status();
    }

    private TestClient connect(String path, Map<String, String> headers) throws Exception {
        TestClient c = TestClient.connect(client, URI.create("ws://127.0.0.1:" + port + CONTEXT + path), headers,
                List.of());
        open.add(c);
        return c;
    }

    @Test
    void theOriginCheckIsOnByDefaultForForeignOriginsAndLetsInSameHostAllowedAndMissingOrigins() throws Exception {
        assertThat(status("/ws/echo/", Map.of("Origin", "https://evil.example.net"))).isEqualTo(403);
        assertThat(status("/ws/echo/", Map.of("Origin", "null"))).isEqualTo(403);
        assertThat(status("/ws/echo/", Map.of("Origin", "http://127.0.0.1:" + (port + 1)))).isEqualTo(403);
        assertThat(status("/ws/echo/", Map.of("Origin", "http://127.0.0.1:" + port))).isEqualTo(101);
        assertThat(status("/ws/echo/", Map.of("Origin", "https://app.example.com"))).isEqualTo(101);
        // No Origin: not a browser, so nothing a foreign page could abuse (documented in OriginPolicy).
        assertThat(status("/ws/echo/", Map.of())).isEqualTo(101);
        assertThat(counts.refused(403)).isEqualTo(3);
    }

    @Test
    void aTokenInTheQueryLetsInItsUserAndAMissingOrUnknownTokenIsRefused() throws Exception {
        assertThat(status("/ws/query/", Map.of())).isEqualTo(403);
        assertThat(status("/ws/query/?token=", Map.of())).isEqualTo(403);
        assertThat(status("/ws/query/?token=forged", Map.of())).isEqualTo(403);
        TestClient c = connect("/ws/query/?token=good-token", Map.of());
        assertThat(c.receiveJson(WAIT).get("user").asText()).isEqualTo("token-user");
    }

    @Test
    void aBearerHeaderLetsInItsUserAndOtherSchemesOrUnknownTokensAreRefused() throws Exception {
        assertThat(status("/ws/bearer/", Map.of())).isEqualTo(403);
        assertThat(status("/ws/bearer/", Map.of("Authorization", "Basic Z29vZC10b2tlbg=="))).isEqualTo(403);
        assertThat(status("/ws/bearer/", Map.of("Authorization", "Bearer forged"))).isEqualTo(403);
        assertThat(status("/ws/bearer/?token=good-token", Map.of())).isEqualTo(403);
        TestClient c = connect("/ws/bearer/", Map.of("Authorization", "Bearer good-token"));
        assertThat(c.receiveJson(WAIT).get("user").asText()).isEqualTo("token-user");
        TestClient either = connect("/ws/either/?token=good-token", Map.of());
        assertThat(either.receiveJson(WAIT).get("user").asText()).isEqualTo("token-user");
    }

    @Test
    void theContainersPrincipalFromServletSecurityBecomesTheUserAndIsRequired() throws Exception {
        String alice = "Basic " + Base64.getEncoder().encodeToString("alice:wonderland".getBytes(StandardCharsets.UTF_8));
        String wrong = "Basic " + Base64.getEncoder().encodeToString("alice:guess".getBytes(StandardCharsets.UTF_8));
        assertThat(status("/ws/secure/container/", Map.of())).isEqualTo(401);
        assertThat(status("/ws/secure/container/", Map.of("Authorization", wrong))).isEqualTo(401);
        TestClient c = connect("/ws/secure/container/", Map.of("Authorization", alice));
        assertThat(c.receiveJson(WAIT).get("user").asText()).isEqualTo("alice");
    }

    @Test
    void aClientOverTheInboundRateIsClosedWith1008AndAReasonWhileOthersKeepWorking() throws Exception {
        TestClient flooder = connect("/ws/echo/", Map.of());
        TestClient calm = connect("/ws/echo/", Map.of());
        // One frame over the burst of 10 (sent within milliseconds, so no refill): frames sent
        // after the server's close would make the client's TCP stack see a reset, not the close.
        for (int i = 0; i < 11 && flooder.session().isOpen(); i++) {
            try {
                flooder.sendText("frame " + i);
            } catch (IllegalStateException | java.io.IOException closedMeanwhile) {
                break; // the server closed it while we were still sending: that is the point
            }
        }
        assertThat(flooder.awaitCloseReason(WAIT)).isEqualTo(ConnectionLimits.RATE_LIMIT_REASON);
        assertThat(mux.stats().rateLimitCloses()).isEqualTo(1);
        calm.sendText("still here");
        assertThat(calm.receiveText(WAIT)).isEqualTo("still here");
        await("the close is counted", () -> counts.closed(CloseCodes.POLICY_VIOLATION) == 1);
    }

    @Test
    void theCapOnConnectionsPerAddressAnswers429AndFreesAPlaceWhenOneCloses() throws Exception {
        List<TestClient> six = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            six.add(connect("/ws/echo/", Map.of()));
        }
        assertThat(status("/ws/echo/", Map.of())).isEqualTo(ConnectResult.TOO_MANY_REQUESTS);
        assertThat(counts.refused(ConnectResult.TOO_MANY_REQUESTS)).isEqualTo(1);
        six.get(0).close();
        await("a place is free", () -> mux.stats().openConnections() == 5);
        TestClient again = connect("/ws/echo/", Map.of());
        again.sendText("in again");
        assertThat(again.receiveText(WAIT)).isEqualTo("in again");
    }

    private static void await(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not true within " + WAIT + ": " + what);
            }
            LockSupport.parkNanos(10_000_000);
        }
    }
}
