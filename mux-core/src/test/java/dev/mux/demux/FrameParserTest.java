package dev.mux.demux;

import static dev.mux.JsonAssertions.assertJson;
import static dev.mux.JsonAssertions.json;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import org.junit.jupiter.api.Test;

class FrameParserTest {

    private static final Set<String> STREAMS = Set.of("message-stream", "echo");

    private static FrameParser.Result parse(String frame) {
        return FrameParser.parse(json(frame), STREAMS::contains);
    }

    private static void assertRejected(String frame, String expectedErrorFrame) {
        FrameParser.Result result = parse(frame);
        assertThat(result).isInstanceOf(FrameParser.Rejected.class);
        assertJson(((FrameParser.Rejected) result).toFrame(), expectedErrorFrame);
    }

    @Test
    void aFrameWithAMappedStreamAndAnObjectPayloadIsRouted() {
        FrameParser.Result result = parse("{'stream': 'echo', 'payload': {'a': 1}}");

        assertThat(result).isInstanceOf(FrameParser.Routed.class);
        FrameParser.Routed routed = (FrameParser.Routed) result;
        assertThat(routed.stream()).isEqualTo("echo");
        assertJson(routed.payload(), "{'a': 1}");
    }

    @Test
    void extraKeysBesideStreamAndPayloadAreIgnored() {
        assertThat(parse("{'stream': 'echo', 'payload': {}, 'extra': true}")).isInstanceOf(FrameParser.Routed.class);
    }

    @Test
    void anArrayIsRejectedWithNoStream() {
        assertRejected("[1, 2]", "{'stream': null, 'payload': {'errors':"
                + " ['Invalid multiplexed frame: expected a JSON object, got an array'], 'response_status': 400}}");
    }

    @Test
    void aStringNumberAndNullAreRejectedSayingWhatTheyAre() {
        assertRejected("'hello'", "{'stream': null, 'payload': {'errors':"
                + " ['Invalid multiplexed frame: expected a JSON object, got a string'], 'response_status': 400}}");
        assertRejected("42", "{'stream': null, 'payload': {'errors':"
                + " ['Invalid multiplexed frame: expected a JSON object, got a number'], 'response_status': 400}}");
        assertRejected("null", "{'stream': null, 'payload': {'errors':"
                + " ['Invalid multiplexed frame: expected a JSON object, got null'], 'response_status': 400}}");
    }

    @Test
    void aFrameWithoutStreamIsRejectedWithNoStream() {
        assertRejected("{'payload': {}}", "{'stream': null, 'payload': {'errors':"
                + " ['Invalid multiplexed frame: no \"stream\" key'], 'response_status': 400}}");
    }

    @Test
    void aFrameWithoutPayloadIsRejectedNamingItsStream() {
        assertRejected("{'stream': 'echo'}", "{'stream': 'echo', 'payload': {'errors':"
                + " ['Invalid multiplexed frame: no \"payload\" key'], 'response_status': 400}}");
    }

    @Test
    void aFrameWithNeitherKeyGetsBothErrors() {
        assertRejected("{}", "{'stream': null, 'payload': {'errors': ['Invalid multiplexed frame: no \"stream\" key',"
                + " 'Invalid multiplexed frame: no \"payload\" key'], 'response_status': 400}}");
    }

    @Test
    void aStreamThatIsNotAStringIsRejectedWithNoStream() {
        assertRejected("{'stream': 7, 'payload': {}}", "{'stream': null, 'payload': {'errors':"
                + " ['Invalid multiplexed frame: \"stream\" must be a string, got a number'], 'response_status': 400}}");
    }

    @Test
    void anUnmappedStreamIsRejectedWith404NamingIt() {
        assertRejected("{'stream': 'nope', 'payload': {}}", "{'stream': 'nope', 'payload': {'errors':"
                + " ['Invalid multiplexed frame: stream \"nope\" is not mapped'], 'response_status': 404}}");
    }

    @Test
    void anUnmappedStreamIsReportedBeforeABadPayloadAsChannelsChecksThem() {
        assertRejected("{'stream': 'nope', 'payload': 3}", "{'stream': 'nope', 'payload': {'errors':"
                + " ['Invalid multiplexed frame: stream \"nope\" is not mapped'], 'response_status': 404}}");
    }

    @Test
    void aPayloadThatIsNotAnObjectIsRejectedNamingTheStream() {
        assertRejected("{'stream': 'echo', 'payload': [1]}", "{'stream': 'echo', 'payload': {'errors':"
                + " ['Invalid multiplexed frame: \"payload\" must be a JSON object, got an array'],"
                + " 'response_status': 400}}");
        assertRejected("{'stream': 'echo', 'payload': null}", "{'stream': 'echo', 'payload': {'errors':"
                + " ['Invalid multiplexed frame: \"payload\" must be a JSON object, got null'],"
                + " 'response_status': 400}}");
    }
}
