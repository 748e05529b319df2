package dev.mux.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mux.consumer.Scope;
import dev.mux.consumer.WebSocketConsumer;
import java.security.Principal;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class RouterTest {

    static final class A extends WebSocketConsumer {
    }

    static final class B extends WebSocketConsumer {
    }

    private final Supplier<A> a = A::new;
    private final Supplier<B> b = B::new;

    private static Scope handshake(String path) {
        return Scope.builder(path).header("host", "example.com").build();
    }

    @Test
    void theFirstMatchingRouteWinsAndItsParametersReachTheScope() {
        Router router = Router.builder()
                .route("/ws/chat/lobby/", b)
                .route("/ws/chat/{room}/", a)
                .build();
        Admission lobby = router.admit(handshake("/ws/chat/lobby/"));
        assertThat(lobby.factory()).isSameAs(b);
        assertThat(lobby.scope().routeParams()).isEmpty();
        Admission kitchen = router.admit(handshake("/ws/chat/kitchen/"));
        assertThat(kitchen.factory()).isSameAs(a);
        assertThat(kitchen.scope().routeParam("room")).isEqualTo("kitchen");
        assertThat(router.mountPaths()).containsExactly("/ws/chat/lobby/", "/ws/chat/{p1}/");
    }

    @Test
    void patternsOfTheSameShapeShareOneMountPath() {
        Router router = Router.builder()
                .route("/ws/{x}/", a)
                .route("^/ws/(?<n>\\d+)/$", b)
                .build();
        assertThat(router.mountPaths()).containsExactly("/ws/{p1}/");
    }

    @Test
    void noMatchIsRefusedWith404() {
        Router router = Router.builder().route("/ws/chat/{room}/", a).build();
        Admission r = router.admit(handshake("/ws/other/"));
        assertThat(r.isAdmitted()).isFalse();
        assertThat(r.status()).isEqualTo(404);
    }

    @Test
    void theOriginIsCheckedBeforeRouting() {
        Router router = Router.builder().route("/ws/{x}/", a).build();
        Scope foreign = Scope.builder("/nowhere/").header("host", "example.com")
                .header("origin", "https://attacker.test").build();
        assertThat(router.admit(foreign).status()).isEqualTo(403);
    }

    @Test
    void theAuthenticatorSeesRouteParametersAndTheContainerPrincipal() {
        Principal container = () -> "alice";
        Router router = Router.builder()
                .route("/ws/{room}/", a)
                .authenticator(h -> h.routeParam("room").equals("secret") && h.principal().isEmpty()
                        ? Authentication.refuse("login first")
                        : Authentication.user(() -> h.principal().map(Principal::getName).orElse("guest") + "@"
                                + h.routeParam("room")))
                .build();
        assertThat(router.admit(handshake("/ws/secret/")).status()).isEqualTo(403);
        Admission in = router.admit(Scope.builder("/ws/secret/").principal(container).build());
        assertThat(in.scope().principal().map(Principal::getName)).contains("alice@secret");
        assertThat(router.admit(handshake("/ws/open/")).scope().principal().map(Principal::getName))
                .contains("guest@open");
    }

    @Test
    void theDefaultAuthenticatorKeepsTheContainerPrincipal() {
        Router router = Router.builder().route("/ws/", a).build();
        assertThat(router.admit(handshake("/ws/")).scope().principal()).isEmpty();
        assertThat(router.admit(Scope.builder("/ws/").principal(() -> "bob").build()).scope().principal()
                .map(Principal::getName)).contains("bob");
    }

    @Test
    void anAuthenticatorThatThrowsOrReturnsNullRefusesWith500() {
        Router throwing = Router.builder().route("/ws/", a).authenticator(h -> {
            throw new IllegalStateException("oops");
        }).build();
        assertThat(throwing.admit(handshake("/ws/")).status()).isEqualTo(500);
        Router nulls = Router.builder().route("/ws/", a).authenticator(h -> null).build();
        assertThat(nulls.admit(handshake("/ws/")).status()).isEqualTo(500);
    }

    @Test
    void misconfigurationFailsAtBuildTime() {
        assertThatThrownBy(() -> Router.builder().build()).hasMessageContaining("at least one route");
        assertThatThrownBy(() -> Router.builder().route("/a/", a).route("/a/", b))
                .hasMessageContaining("routed twice");
        assertThatThrownBy(() -> Router.builder().allowedOrigins("not an origin"))
                .hasMessageContaining("'not an origin'");
        assertThatThrownBy(() -> Router.builder().allowedOrigins("https://example.com/path"))
                .hasMessageContaining("scheme://host[:port]");
        assertThat(Router.builder().route("/a/", a).build().routes()).extracting(Route::factory)
                .isEqualTo(List.of(a));
    }
}
