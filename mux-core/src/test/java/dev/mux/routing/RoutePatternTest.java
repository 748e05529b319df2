package dev.mux.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class RoutePatternTest {

    @Test
    void aTemplateMatchesWholeSegmentsAndNamesThem() {
        RoutePattern p = RoutePattern.parse("/ws/chat/{room}/");
        assertThat(p.isRegex()).isFalse();
        assertThat(p.parameterNames()).containsExactly("room");
        assertThat(p.match("/ws/chat/lobby/")).contains(Map.of("room", "lobby"));
        assertThat(p.match("/ws/chat/lobby")).isEmpty();
        assertThat(p.match("/ws/chat//")).isEmpty();
        assertThat(p.match("/ws/chat/a/b/")).isEmpty();
        assertThat(p.match("/ws/talk/lobby/")).isEmpty();
        assertThat(p.mountPath()).isEqualTo("/ws/chat/{p1}/");
    }

    @Test
    void aTemplateWithSeveralParametersKeepsTheirOrder() {
        RoutePattern p = RoutePattern.template("/a/{first}/b/{second_one}");
        assertThat(p.match("/a/1/b/2")).contains(Map.of("first", "1", "second_one", "2"));
        assertThat(p.parameterNames()).containsExactly("first", "second_one");
        assertThat(p.mountPath()).isEqualTo("/a/{p1}/b/{p2}");
    }

    @Test
    void aRegexWithNamedGroupsMatchesTheWholePathAndAllowsUnderscoresInNames() {
        RoutePattern p = RoutePattern.parse("^/demultiplex/(?<room_name>[a-zA-Z0-9_]+)/$");
        assertThat(p.isRegex()).isTrue();
        assertThat(p.parameterNames()).containsExactly("room_name");
        assertThat(p.match("/demultiplex/room_1/")).contains(Map.of("room_name", "room_1"));
        assertThat(p.match("/demultiplex/room-1/")).isEmpty();
        assertThat(p.match("/demultiplex/room_1/extra")).isEmpty();
        assertThat(p.mountPath()).isEqualTo("/demultiplex/{p1}/");
    }

    @Test
    void pythonStyleGroupsAndUnanchoredRegexesWork() {
        RoutePattern p = RoutePattern.regex("/ws/(?P<kind>chat|news)/(?P<id>\\d+)/(?:x)?(?<opt>y)?");
        assertThat(p.match("/ws/chat/42/")).contains(Map.of("kind", "chat", "id", "42"));
        assertThat(p.match("/ws/news/7/xy")).contains(Map.of("kind", "news", "id", "7", "opt", "y"));
        assertThat(p.mountPath()).isEqualTo("/ws/{p1}/{p2}/{p3}");
    }

    @Test
    void lookbehindsAndEscapesAreNotMistakenForGroups() {
        RoutePattern p = RoutePattern.regex("^/a/(?<!x)(?<name>\\(b\\))/\\.well-known$");
        assertThat(p.match("/a/(b)/.well-known")).contains(Map.of("name", "(b)"));
        assertThat(p.mountPath()).isEqualTo("/a/{p1}/.well-known");
    }

    @Test
    void aRegexWhoseMatchesCanSpanSegmentsMustBeMountedExplicitly() {
        for (String bad : new String[] {"^/files/(?<path>.*)$", "^/a/?$", "^/(a|b/c)$", "^/a|/b$", "^/a/[^/x]+$"}) {
            assertThatThrownBy(() -> RoutePattern.parse(bad)).as(bad)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(bad)
                    .hasMessageContaining("mount it explicitly");
        }
        RoutePattern p = RoutePattern.regex("^/files/(?<path>.+)$", "/files/{path}");
        assertThat(p.mountPath()).isEqualTo("/files/{p1}");
        assertThat(p.match("/files/a/b.txt")).contains(Map.of("path", "a/b.txt"));
    }

    @Test
    void malformedPatternsAreRejectedWithTheReason() {
        assertThatThrownBy(() -> RoutePattern.parse("ws/chat/")).hasMessageContaining("must start with '/'");
        assertThatThrownBy(() -> RoutePattern.parse("/ws/x{room}/")).hasMessageContaining("whole {name}");
        assertThatThrownBy(() -> RoutePattern.parse("/ws/{1room}/")).hasMessageContaining("parameter name '1room'");
        assertThatThrownBy(() -> RoutePattern.parse("/{a}/{a}/")).hasMessageContaining("appears twice");
        assertThatThrownBy(() -> RoutePattern.parse("^/(?<a>x)/(?<a>y)$")).hasMessageContaining("appears twice");
        assertThatThrownBy(() -> RoutePattern.parse("^/(?<a>x$")).hasMessageContaining("does not compile");
        assertThatThrownBy(() -> RoutePattern.parse("^/(?<a-b>x)/$")).hasMessageContaining("group name 'a-b'");
    }
}
