package dev.mux.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mux.consumer.Scope;
import java.security.Principal;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class AuthenticatorTest {

    private static final TokenVerifier TOKENS = token -> token.equals("t0k3n")
            ? Optional.of((Principal) () -> "ann") : Optional.empty();

    private static Scope handshake(String pathAndQuery, String authorization) {
        int q = pathAndQuery.indexOf('?');
        Scope.Builder b = Scope.builder(q < 0 ? pathAndQuery : pathAndQuery.substring(0, q))
                .queryString(q < 0 ? null : pathAndQuery.substring(q + 1));
        if (authorization != null) {
            b.header("authorization", authorization);
        }
        return b.build();
    }

    private static String user(Authentication a) {
        return a.principal().map(Principal::getName).orElse(a.isRefused() ? "refused" : "anonymous");
    }

    @Test
    void aQueryTokenIsVerifiedAndItsUserLetIn() {
        Authenticator auth = Authenticator.queryToken("token", TOKENS);
        assertThat(user(auth.authenticate(handshake("/ws/?token=t0k3n", null)))).isEqualTo("ann");
        assertThat(user(auth.authenticate(handshake("/ws/?token=nope", null)))).isEqualTo("refused");
        assertThat(user(auth.authenticate(handshake("/ws/?token=", null)))).isEqualTo("refused");
        assertThat(user(auth.authenticate(handshake("/ws/", null)))).isEqualTo("refused");
    }

    @Test
    void aRefusalReasonNeverContainsTheToken() {
        Authentication a = Authenticator.queryToken("token", TOKENS).authenticate(handshake("/ws/?token=leaked", null));
        assertThat(a.refusalReason()).get().asString().doesNotContain("leaked").contains("unknown token");
    }

    @Test
    void aBearerHeaderIsVerifiedWhateverTheCaseOfTheScheme() {
        Authenticator auth = Authenticator.bearerToken(TOKENS);
        assertThat(user(auth.authenticate(handshake("/ws/", "Bearer t0k3n")))).isEqualTo("ann");
        assertThat(user(auth.authenticate(handshake("/ws/", "bearer   t0k3n ")))).isEqualTo("ann");
        assertThat(user(auth.authenticate(handshake("/ws/", "Basic t0k3n")))).isEqualTo("refused");
        assertThat(user(auth.authenticate(handshake("/ws/", "Bearer")))).isEqualTo("refused");
        assertThat(user(auth.authenticate(handshake("/ws/?token=t0k3n", null)))).isEqualTo("refused");
    }

    @Test
    void theContainerPrincipalIsRequiredOrTheHandshakeRefused() {
        Authenticator auth = Authenticator.containerPrincipalRequired();
        assertThat(user(auth.authenticate(Scope.builder("/ws/").principal(() -> "bob").build()))).isEqualTo("bob");
        assertThat(user(auth.authenticate(Scope.builder("/ws/").build()))).isEqualTo("refused");
        assertThat(user(Authenticator.CONTAINER.authenticate(Scope.builder("/ws/").build()))).isEqualTo("anonymous");
    }

    @Test
    void firstOfTakesTheFirstUserElseTheLastDecision() {
        Authenticator auth = Authenticator.firstOf(Authenticator.bearerToken(TOKENS),
                Authenticator.queryToken("token", TOKENS));
        assertThat(user(auth.authenticate(handshake("/ws/?token=t0k3n", null)))).isEqualTo("ann");
        assertThat(user(auth.authenticate(handshake("/ws/", "Bearer t0k3n")))).isEqualTo("ann");
        assertThat(user(auth.authenticate(handshake("/ws/", null)))).isEqualTo("refused");
        assertThatThrownBy(Authenticator::firstOf).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aVerifierThatThrowsOrReturnsNullFailsTheHandshakeThroughTheRouterWith500() {
        Router router = Router.builder().route("/ws/", () -> new dev.mux.consumer.WebSocketConsumer() { })
                .authenticator(Authenticator.queryToken("token", token -> {
                    throw new IllegalStateException("token store down");
                })).build();
        assertThat(router.admit(handshake("/ws/?token=x", null)).status()).isEqualTo(500);
        Router nulls = Router.builder().route("/ws/", () -> new dev.mux.consumer.WebSocketConsumer() { })
                .authenticator(Authenticator.queryToken("token", token -> null)).build();
        assertThat(nulls.admit(handshake("/ws/?token=x", null)).status()).isEqualTo(500);
    }

    @Test
    void misuseIsRejectedNamingTheArgument() {
        assertThatThrownBy(() -> Authenticator.queryToken(" ", TOKENS)).hasMessageContaining("parameter");
        assertThatThrownBy(() -> Authenticator.queryToken("token", null)).hasMessageContaining("verifier");
        assertThatThrownBy(() -> Authenticator.bearerToken(null)).hasMessageContaining("verifier");
    }
}
