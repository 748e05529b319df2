package dev.mux.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mux.layer.Bytes;
import dev.mux.layer.Message;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MessageCodecTest {

    private static final HexFormat HEX = HexFormat.of();
    private final MessageCodec plain = new MessageCodec(null, 70);

    private static byte[] withoutPrefix(byte[] member) {
        return Arrays.copyOfRange(member, MessageCodec.RANDOM_PREFIX_LENGTH, member.length);
    }

    @Test
    void encodesTheChannelsRedisReferenceVectorByteForByte() {
        Map<String, Object> inner = new LinkedHashMap<>();
        inner.put("d", List.of());
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("a", true);
        values.put("b", null);
        values.put("c", inner);

        byte[] member = plain.member(plain.body(Message.fromMap(values)), null);

        assertThat(member).hasSize(12 + 13);
        assertThat(HEX.formatHex(withoutPrefix(member))).isEqualTo("83a161c3a162c0a16381a16490");
    }

    @Test
    void encodesEveryTypeAndTheRoutingKeyAsPythonMsgpackDoes() {
        // Produced by Debian's python3-msgpack 1.0.3: msgpack.packb(m, use_bin_type=True).
        String python = "8ba474797065ac636861742e6d657373616765a474657874a26869a16ecd012ca36e6567d0df"
                + "a3626967cf0000010000000000a166cb3ff8000000000000a162c40200ffa16c9401a178c0c2"
                + "a16d81a16ba176a175a5c3bc6ec3afb05f5f617367695f6368616e6e656c5f5fd94a7370656369"
                + "6669632e3031323334353637383961626364656630313233343536373839616263646566216665"
                + "646362613938373635343332313066656463626139383736353433323130";
        Message m = Message.builder("chat.message")
                .put("text", "hi").put("n", 300).put("neg", -33).put("big", 1L << 40).put("f", 1.5)
                .put("b", new byte[] {0, (byte) 0xff}).put("l", Arrays.asList(1, "x", null, false))
                .put("m", Map.of("k", "v")).put("u", "ünï").build();
        String channel = "specific.0123456789abcdef0123456789abcdef!fedcba9876543210fedcba9876543210";

        byte[] member = plain.member(plain.body(m), channel);

        assertThat(HEX.formatHex(withoutPrefix(member))).isEqualTo(python);
        MessageCodec.Decoded decoded = plain.decode(member);
        assertThat(decoded.asgiChannel()).isEqualTo(channel);
        assertThat(Message.fromMap(decoded.message())).isEqualTo(m);
    }

    @Test
    void aGroupRoutingKeyIsAListOfNames() {
        Message m = Message.of("type", "x");
        byte[] member = plain.member(plain.body(m), List.of("a.b!1", "a.b!2"));

        MessageCodec.Decoded decoded = plain.decode(member);

        assertThat(decoded.asgiChannel()).isEqualTo(List.of("a.b!1", "a.b!2"));
        assertThat(decoded.message()).containsOnlyKeys("type");
    }

    @Test
    void aGroupMemberBuiltFromRedisBytesEqualsOneBuiltFromNames() {
        MessageCodec.Body body = plain.body(Message.of("type", "x", "n", 7));
        List<String> names = new java.util.ArrayList<>();
        for (int i = 0; i < 40; i++) {
            names.add("specific.abc!" + "x".repeat(i));
        }
        List<byte[]> raw = names.stream().map(n -> n.getBytes(java.nio.charset.StandardCharsets.UTF_8)).toList();

        byte[] fromBytes = plain.groupMember(body, raw);

        assertThat(withoutPrefix(fromBytes)).isEqualTo(withoutPrefix(plain.member(body, names)));
        assertThat(plain.decode(fromBytes).asgiChannel()).isEqualTo(names);
    }

    @Test
    void equalMessagesGetDistinctMembersThroughTheRandomPrefix() {
        MessageCodec.Body body = plain.body(Message.of("type", "same"));
        assertThat(plain.member(body, null)).isNotEqualTo(plain.member(body, null));
    }

    @Test
    void decodingKeepsIntegersFloatsTextAndBinaryApart() {
        Message m = Message.builder("t").put("i", 2).put("d", 2.0).put("s", "2").put("b", new byte[] {2})
                .put("empty.s", "").put("empty.b", new byte[0]).put("min", Long.MIN_VALUE).build();
        Map<String, Object> decoded = plain.decode(plain.member(plain.body(m), null)).message();

        assertThat(decoded.get("i")).isEqualTo(2L);
        assertThat(decoded.get("d")).isEqualTo(2.0);
        assertThat(decoded.get("s")).isEqualTo("2");
        assertThat(decoded.get("b")).isEqualTo(Bytes.of(new byte[] {2}));
        assertThat(decoded.get("empty.s")).isEqualTo("");
        assertThat(decoded.get("empty.b")).isEqualTo(Bytes.of(new byte[0]));
        assertThat(decoded.get("min")).isEqualTo(Long.MIN_VALUE);
    }

    @Test
    void decodesFloat32AndSmallIntegerFormatsFromOtherWriters() {
        // {"f": float32 1.5, "u": uint64 5}
        byte[] member = concat(new byte[12], HEX.parseHex("82a166ca3fc00000a175cf0000000000000005"));
        Map<String, Object> decoded = plain.decode(member).message();
        assertThat(decoded.get("f")).isEqualTo(1.5);
        assertThat(decoded.get("u")).isEqualTo(5L);
    }

    @Test
    void refusesMembersThatAreNotValidMessagesSayingWhy() {
        assertThatThrownBy(() -> plain.decode(new byte[5])).isInstanceOf(MessageCodec.DecodeException.class)
                .hasMessageContaining("too short");
        assertThatThrownBy(() -> plain.decode(concat(new byte[12], HEX.parseHex("93010203"))))
                .hasMessageContaining("not a map");
        assertThatThrownBy(() -> plain.decode(concat(new byte[12], HEX.parseHex("81 01 02".replace(" ", "")))))
                .hasMessageContaining("not a string");
        assertThatThrownBy(() -> plain.decode(concat(new byte[12], HEX.parseHex("81a178cfffffffffffffffff"))))
                .hasMessageContaining("exceeds int64");
        assertThatThrownBy(() -> plain.decode(concat(new byte[12], HEX.parseHex("81a178d40100"))))
                .hasMessageContaining("EXTENSION");
        assertThatThrownBy(() -> plain.decode(concat(new byte[12], HEX.parseHex("81a178a2c328"))))
                .hasMessageContaining("not valid UTF-8");
        // Lengths larger than the member are refused before anything is allocated for them.
        assertThatThrownBy(() -> plain.decode(concat(new byte[12], HEX.parseHex("df7ffffff0"))))
                .hasMessageContaining("declares 2147483632 elements");
        assertThatThrownBy(() -> plain.decode(concat(new byte[12], HEX.parseHex("81a178c640000000"))))
                .hasMessageContaining("declares 1073741824 bytes");
        assertThatThrownBy(() -> plain.decode(concat(new byte[12], HEX.parseHex("80c0"))))
                .hasMessageContaining("extra bytes");
        assertThatThrownBy(() -> plain.decode(concat(new byte[12], HEX.parseHex("82a178"))))
                .isInstanceOf(MessageCodec.DecodeException.class);
    }

    @Test
    void encryptedMembersRoundTripAndDecryptWithARotatedKey() {
        MessageCodec oldKey = new MessageCodec(new Fernet.Keys(List.of("old")), 70);
        MessageCodec rotated = new MessageCodec(new Fernet.Keys(List.of("new", "old")), 70);
        MessageCodec other = new MessageCodec(new Fernet.Keys(List.of("other")), 70);
        Message m = Message.of("type", "secret", "n", 1);

        byte[] member = oldKey.member(oldKey.body(m), "x.y!z");

        assertThat(new String(withoutPrefix(member), java.nio.charset.StandardCharsets.US_ASCII)).startsWith("gAAAAA");
        assertThat(Message.fromMap(rotated.decode(member).message())).isEqualTo(m);
        assertThat(rotated.decode(member).asgiChannel()).isEqualTo("x.y!z");
        assertThatThrownBy(() -> other.decode(member)).isInstanceOf(MessageCodec.DecodeException.class)
                .hasMessageContaining("no configured key");
        assertThatThrownBy(() -> plain.decode(member)).isInstanceOf(MessageCodec.DecodeException.class);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
