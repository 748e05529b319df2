package dev.mux.layer;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class ChannelNamesTest {

    /** The rules as Channels writes them; the scanner must agree with them on every input. */
    private static final Pattern CHANNEL = Pattern.compile("^[a-zA-Z\\d\\-_.]+(![\\d\\w\\-_.]*)?$");
    private static final Pattern GROUP = Pattern.compile("^[a-zA-Z\\d\\-_.]+$");

    @Test
    void theScannerAgreesWithChannelsRegexesOnRandomNames() {
        char[] alphabet = "aZ09-_.!! ü/\n\t٣é$^*".toCharArray();
        Random random = new Random(20240601L);
        List<String> disagreements = new ArrayList<>();
        for (int round = 0; round < 200_000; round++) {
            int length = random.nextInt(12);
            char[] chars = new char[length];
            for (int i = 0; i < length; i++) {
                chars[i] = alphabet[random.nextInt(alphabet.length)];
            }
            String name = new String(chars);
            if (ChannelNames.isValidChannel(name) != CHANNEL.matcher(name).matches()) {
                disagreements.add("channel '" + name + "'");
            }
            if (ChannelNames.isValidGroup(name) != GROUP.matcher(name).matches()) {
                disagreements.add("group '" + name + "'");
            }
        }
        assertThat(disagreements).isEmpty();
    }

    @Test
    void namesMustBeShorterThanOneHundredCharacters() {
        assertThat(ChannelNames.isValidChannel("c".repeat(99))).isTrue();
        assertThat(ChannelNames.isValidChannel("c".repeat(100))).isFalse();
        assertThat(ChannelNames.isValidChannel("c".repeat(50) + "!" + "d".repeat(48))).isTrue();
        assertThat(ChannelNames.isValidGroup("g".repeat(99))).isTrue();
        assertThat(ChannelNames.isValidGroup("g".repeat(100))).isFalse();
        assertThat(ChannelNames.isValidChannel(null)).isFalse();
        assertThat(ChannelNames.isValidGroup(null)).isFalse();
    }

    @Test
    void aProcessLocalNameMayEndAtTheBangAndHasOneBangAtMost() {
        assertThat(ChannelNames.isValidChannel("specific.abc!")).isTrue();
        assertThat(ChannelNames.isValidChannel("specific.abc!xyz")).isTrue();
        assertThat(ChannelNames.isValidChannel("specific.abc!x!y")).isFalse();
        assertThat(ChannelNames.isValidChannel("!xyz")).isFalse();
        assertThat(ChannelNames.nonLocalPart("specific.abc!xyz")).isEqualTo("specific.abc!");
        assertThat(ChannelNames.isValidGroup("group!")).isFalse();
    }
}
