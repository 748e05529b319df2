package dev.mux.layer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mux.fuzz.Fuzz;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Seeded fuzzing of a channel layer's arguments, for every layer (published in mux-core's
 * test-jar beside {@link ChannelLayerContract}): random channel, group and prefix names are
 * either used or refused at once with an {@link IllegalArgumentException} that names the
 * argument, exactly as {@link ChannelNames} decides; random supported message values travel
 * through the layer unchanged; unsupported values are refused when the message is built,
 * naming the key. After all that the layer still works.
 *
 * <p>Extend it like the contract, with {@link #createLayer(LayerOptions)}.
 */
public abstract class ChannelLayerFuzz {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private ChannelLayer layer;

    /**
     * Creates a fresh, empty layer enforcing the given options.
     *
     * @param options the options
     * @return the layer; closed by the suite
     */
    protected abstract ChannelLayer createLayer(LayerOptions options);

    @BeforeEach
    void open() {
        layer = createLayer(LayerOptions.builder().capacity(10_000).build());
    }

    @AfterEach
    void close() {
        layer.close();
    }

    private static <T> T join(java.util.concurrent.CompletionStage<T> stage) throws Exception {
        return stage.toCompletableFuture().get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Test
    void randomNamesAreUsedOrRefusedAtOnceExactlyAsTheNameRulesSay() throws Exception {
        Fuzz fuzz = new Fuzz("layer-names");
        Message message = Message.of("type", "fuzz");
        int used = 0;
        int refused = 0;
        for (int i = 0; i < Fuzz.cases(1500) / 3; i++) {
            String name = fuzz.name();
            String where = "case " + i + " name '" + name + "' (seed " + fuzz.seed() + ")";
            boolean channelOk = ChannelNames.isValidChannel(name) && !name.contains("!");
            boolean groupOk = ChannelNames.isValidGroup(name);
            if (channelOk) {
                join(layer.send(name, message));
                assertThat(join(layer.receive(name)).type()).as(where).isEqualTo("fuzz");
                used++;
            } else if (!ChannelNames.isValidChannel(name)) {
                assertThatThrownBy(() -> layer.send(name, message)).as(where)
                        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("channel");
                assertThatThrownBy(() -> layer.receive(name)).as(where)
                        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("channel");
                assertThatThrownBy(() -> layer.groupAdd("g", name)).as(where)
                        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("channel");
                refused++;
            } else {
                // Process-local to some other layer: sending is allowed, receiving is not.
                join(layer.send(name, message));
                assertThatThrownBy(() -> layer.receive(name)).as(where).isInstanceOf(IllegalArgumentException.class);
            }
            if (groupOk) {
                String me = layer.newChannel();
                join(layer.groupAdd(name, me));
                assertThat(join(layer.groupSend(name, message)).delivered()).as(where).isEqualTo(1);
                assertThat(join(layer.receive(me)).type()).as(where).isEqualTo("fuzz");
                join(layer.groupDiscard(name, me));
            } else {
                assertThatThrownBy(() -> layer.groupSend(name, message)).as(where)
                        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("group");
                assertThatThrownBy(() -> layer.groupAdd(name, "c")).as(where)
                        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("group");
                assertThatThrownBy(() -> layer.groupDiscard(name, "c")).as(where)
                        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("group");
            }
            boolean prefixOk = ChannelNames.isValidChannel(name) && !name.contains("!");
            if (prefixOk && name.length() < 40) {
                assertThat(ChannelNames.isValidChannel(layer.newChannel(name))).as(where).isTrue();
            } else if (!prefixOk) {
                assertThatThrownBy(() -> layer.newChannel(name)).as(where).isInstanceOf(IllegalArgumentException.class);
            }
        }
        assertThat(used).isPositive();
        assertThat(refused).isPositive();
        assertThatThrownBy(() -> layer.send(null, message)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> layer.groupSend("g", null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void randomSupportedValuesTravelThroughTheLayerUnchanged() throws Exception {
        Fuzz fuzz = new Fuzz("layer-values");
        String me = layer.newChannel();
        for (int i = 0; i < Fuzz.cases(1500) / 3; i++) {
            Map<String, Object> values = new LinkedHashMap<>();
            values.put("type", "fuzz.value");
            int n = 1 + fuzz.nextInt(5);
            for (int k = 0; k < n; k++) {
                values.put(validText(fuzz, 10) + k, value(fuzz, 3));
            }
            Message sent = Message.fromMap(values);
            join(layer.send(me, sent));
            Message received = join(layer.receive(me));
            assertThat(received).as("case " + i + " (seed " + fuzz.seed() + ")").isEqualTo(sent);
        }
    }

    @Test
    void unsupportedValuesAreRefusedWhenTheMessageIsBuiltNamingTheKey() throws Exception {
        List<Object> unsupported = List.of(new Object(), new int[] {1}, 'c', BigInteger.TWO.pow(70),
                new BigDecimal("1.5"), Optional.of(1), Instant.EPOCH, UUID.randomUUID(), Thread.currentThread(),
                List.of(new Object()), Map.of(1, "integer key"), Map.of("nested", Map.of("deeper", new Object())));
        for (Object value : unsupported) {
            assertThatThrownBy(() -> Message.of("type", "x", "bad", value)).as(String.valueOf(value))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("bad");
        }
        List<Object> selfContaining = new ArrayList<>();
        selfContaining.add(selfContaining);
        assertThatThrownBy(() -> Message.of("type", "x", "loop", selfContaining))
                .isInstanceOf(IllegalArgumentException.class);
        // The layer still works after all the refusals.
        String me = layer.newChannel();
        join(layer.send(me, Message.of("type", "ok")));
        assertThat(join(layer.receive(me)).type()).isEqualTo("ok");
    }

    /** Text that is valid Unicode (no lone surrogates): what every layer must carry exactly. */
    private static String validText(Fuzz fuzz, int max) {
        String raw = fuzz.text(max);
        StringBuilder sb = new StringBuilder(raw.length());
        raw.codePoints().filter(cp -> cp < 0xD800 || cp > 0xDFFF).forEach(sb::appendCodePoint);
        return sb.toString();
    }

    private static Object value(Fuzz fuzz, int depth) {
        switch (fuzz.nextInt(depth <= 0 ? 7 : 9)) {
            case 0:
                return null;
            case 1:
                return fuzz.nextInt(2) == 0;
            case 2:
                return List.of(0L, 1L, -1L, Long.MAX_VALUE, Long.MIN_VALUE, 127L, 128L, 255L, 256L, 65535L, 65536L,
                        4294967295L, 4294967296L, -32L, -33L, -129L, -32769L).get(fuzz.nextInt(17));
            case 3:
                return fuzz.random().nextLong();
            case 4:
                return List.of(0.0, -0.0, 1.5, Double.MAX_VALUE, Double.MIN_VALUE, 1e-300, Double.POSITIVE_INFINITY)
                        .get(fuzz.nextInt(7));
            case 5:
                return validText(fuzz, 40);
            case 6:
                return Bytes.wrap(fuzz.bytes(40));
            case 7: {
                List<Object> list = new ArrayList<>();
                for (int i = fuzz.nextInt(4); i > 0; i--) {
                    list.add(value(fuzz, depth - 1));
                }
                return list;
            }
            default: {
                Map<String, Object> map = new LinkedHashMap<>();
                for (int i = fuzz.nextInt(4); i > 0; i--) {
                    map.put(validText(fuzz, 8) + i, value(fuzz, depth - 1));
                }
                return map;
            }
        }
    }
}
