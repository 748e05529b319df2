package dev.mux.routing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mux.consumer.Scope;
import java.util.List;
import org.junit.jupiter.api.Test;

class OriginPolicyTest {

    private static Scope handshake(String host, String origin) {
        Scope.Builder b = Scope.builder("/ws/");
        if (host != null) {
            b.header("Host", host);
        }
        if (origin != null) {
            b.header("Origin", origin);
        }
        return b.build();
    }

    @Test
    void sameHostAllowsTheRequestsOwnHostAndPort() {
        OriginPolicy p = OriginPolicy.sameHost();
        assertThat(p.allows(handshake("example.com", "https://example.com"))).isTrue();
        assertThat(p.allows(handshake("example.com", "http://EXAMPLE.com"))).isTrue();
        assertThat(p.allows(handshake("example.com:8080", "http://example.com:8080"))).isTrue();
        assertThat(p.allows(handshake("127.0.0.1:5000", "http://127.0.0.1:5000"))).isTrue();
        assertThat(p.allows(handshake("[::1]:5000", "http://[::1]:5000"))).isTrue();
        assertThat(p.allows(handshake("example.com:443", "https://example.com"))).isTrue();
    }

    @Test
    void sameHostRefusesOtherHostsPortsAndGarbage() {
        OriginPolicy p = OriginPolicy.sameHost();
        assertThat(p.allows(handshake("example.com", "https://evil.com"))).isFalse();
        assertThat(p.allows(handshake("example.com", "https://example.com.evil.com"))).isFalse();
        assertThat(p.allows(handshake("example.com:8080", "http://example.com:9090"))).isFalse();
        assertThat(p.allows(handshake("example.com", "http://example.com:8080"))).isFalse();
        assertThat(p.allows(handshake("example.com", "null"))).isFalse();
        assertThat(p.allows(handshake("example.com", "::not a uri::"))).isFalse();
        assertThat(p.allows(handshake(null, "https://example.com"))).isFalse();
    }

    @Test
    void aHandshakeWithoutOriginIsNotFromABrowserAndIsAllowed() {
        assertThat(OriginPolicy.sameHost().allows(handshake("example.com", null))).isTrue();
    }

    @Test
    void anAllowListAddsOriginsAndHostWildcards() {
        OriginPolicy p = OriginPolicy.sameHostOr(List.of("https://app.example.org", "https://*.example.net:8443"));
        assertThat(p.allows(handshake("api.example.com", "https://app.example.org"))).isTrue();
        assertThat(p.allows(handshake("api.example.com", "https://app.example.org:443"))).isTrue();
        assertThat(p.allows(handshake("api.example.com", "http://app.example.org"))).isFalse();
        assertThat(p.allows(handshake("api.example.com", "https://a.b.example.net:8443"))).isTrue();
        assertThat(p.allows(handshake("api.example.com", "https://example.net:8443"))).isFalse();
        assertThat(p.allows(handshake("api.example.com", "https://a.example.net"))).isFalse();
        assertThat(p.allows(handshake("api.example.com", "https://api.example.com"))).isTrue();
    }

    @Test
    void aStarAllowsAnyOrigin() {
        assertThat(OriginPolicy.sameHostOr(List.of("*")).allows(handshake("a.com", "https://b.com"))).isTrue();
        assertThat(OriginPolicy.anyOrigin().allows(handshake("a.com", "null"))).isTrue();
    }
}
