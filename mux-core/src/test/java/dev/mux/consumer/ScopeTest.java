package dev.mux.consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ScopeTest {

    @Test
    void queryParametersAreDecodedAndKeepEveryValue() {
        Scope s = Scope.builder("/ws/").queryString("a=1&b=%C3%A9t%C3%A9&a=2&flag&c=x+y&bad=%zz").build();
        assertThat(s.queryParams()).containsEntry("a", List.of("1", "2")).containsEntry("flag", List.of(""));
        assertThat(s.queryParam("b")).contains("été");
        assertThat(s.queryParam("c")).contains("x y");
        assertThat(s.queryParam("bad")).contains("%zz");
        assertThat(s.queryParam("missing")).isEmpty();
        assertThat(s.queryString()).startsWith("a=1");
    }

    @Test
    void headerNamesAreLowerCaseAndLookedUpInAnyCase() {
        Scope s = Scope.builder("/").headers(Map.of("X-Token", List.of("t1", "t2"))).build();
        assertThat(s.headers()).containsOnlyKeys("x-token");
        assertThat(s.header("X-TOKEN")).contains("t1");
        assertThat(s.headers().get("x-token")).containsExactly("t1", "t2");
    }

    @Test
    void cookiesAreParsedAndTheFirstOfDuplicatesWins() {
        Scope s = Scope.builder("/").header("Cookie", "a=1; b=\"two\"; a=3; junk; =x").build();
        assertThat(s.cookies()).containsExactly(Map.entry("a", "1"), Map.entry("b", "two"));
    }

    @Test
    void aMissingRouteParameterNamesTheOnesThatExist() {
        Scope s = Scope.builder("/ws/chat/lobby/").routeParams(Map.of("room", "lobby")).build();
        assertThat(s.routeParam("room")).isEqualTo("lobby");
        assertThatThrownBy(() -> s.routeParam("rooom"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'rooom'")
                .hasMessageContaining("[room]");
    }

    @Test
    void copiesAreIndependentAndToStringHidesHeaders() {
        Scope s = Scope.builder("/p").header("Authorization", "Bearer secret").build();
        Scope t = s.withPrincipal(() -> "ann").withRouteParams(Map.of("k", "v"));
        assertThat(s.principal()).isEmpty();
        assertThat(t.principal().map(java.security.Principal::getName)).contains("ann");
        assertThat(t.header("authorization")).contains("Bearer secret");
        assertThat(t.toString()).doesNotContain("secret").contains("ann").contains("k=v");
        assertThatThrownBy(() -> Scope.builder("relative")).hasMessageContaining("must start with '/'");
    }
}
