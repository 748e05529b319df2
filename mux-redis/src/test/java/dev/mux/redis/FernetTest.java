package dev.mux.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

class FernetTest {

    // Produced once by Debian's python3-cryptography 38.0.4:
    // Fernet(urlsafe_b64encode(sha256(b"secret").digest()))._encrypt_from_parts(b"hello fernet", 1700000000, bytes(range(16)))
    private static final String PYTHON_TOKEN =
            "gAAAAABlU_EAAAECAwQFBgcICQoLDA0OD-BzE9jUXqrSeoOMLMGRMhVYXyQnqmMLXZ-D16lxLAsIhblN9bmTQgyHA5-D5Wdsdg==";
    private static final long TOKEN_TIME = 1_700_000_000L;

    private static byte[] iv() {
        byte[] iv = new byte[16];
        for (int i = 0; i < 16; i++) {
            iv[i] = (byte) i;
        }
        return iv;
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    @Test
    void encryptsToTheSameTokenAsPythonCryptographyForTheSameTimeAndIv() {
        byte[] token = Fernet.fromSecret("secret").encrypt(ascii("hello fernet"), TOKEN_TIME, iv());
        assertThat(new String(token, StandardCharsets.US_ASCII)).isEqualTo(PYTHON_TOKEN);
    }

    @Test
    void decryptsAPythonTokenWithinItsTtl() {
        byte[] plain = Fernet.fromSecret("secret").decrypt(ascii(PYTHON_TOKEN), 70, TOKEN_TIME + 70);
        assertThat(new String(plain, StandardCharsets.US_ASCII)).isEqualTo("hello fernet");
    }

    @Test
    void refusesATokenOlderThanItsTtl() {
        assertThatThrownBy(() -> Fernet.fromSecret("secret").decrypt(ascii(PYTHON_TOKEN), 70, TOKEN_TIME + 71))
                .isInstanceOf(Fernet.InvalidTokenException.class).hasMessageContaining("expired");
    }

    @Test
    void refusesATokenFromMoreThanAMinuteInTheFuture() {
        Fernet fernet = Fernet.fromSecret("secret");
        assertThat(fernet.decrypt(ascii(PYTHON_TOKEN), 70, TOKEN_TIME - 60)).isNotEmpty();
        assertThatThrownBy(() -> fernet.decrypt(ascii(PYTHON_TOKEN), 70, TOKEN_TIME - 61))
                .hasMessageContaining("future");
    }

    @Test
    void refusesTamperedTruncatedAndForeignTokens() {
        Fernet fernet = Fernet.fromSecret("secret");
        byte[] raw = Base64.getUrlDecoder().decode(PYTHON_TOKEN);
        raw[30] ^= 1;
        byte[] tampered = Base64.getUrlEncoder().encode(raw);
        assertThatThrownBy(() -> fernet.decrypt(tampered, 70, TOKEN_TIME)).hasMessageContaining("signature");
        assertThatThrownBy(() -> fernet.decrypt(Arrays.copyOf(ascii(PYTHON_TOKEN), 40), 70, TOKEN_TIME))
                .isInstanceOf(Fernet.InvalidTokenException.class);
        assertThatThrownBy(() -> fernet.decrypt(ascii("not*base64"), 70, TOKEN_TIME)).hasMessageContaining("base64");
        assertThatThrownBy(() -> Fernet.fromSecret("other").decrypt(ascii(PYTHON_TOKEN), 70, TOKEN_TIME))
                .hasMessageContaining("signature");
    }

    @Test
    void keysEncryptWithTheFirstAndDecryptWithAny() {
        Fernet.Keys oldOnly = new Fernet.Keys(List.of("old"));
        Fernet.Keys rotated = new Fernet.Keys(List.of("new", "old"));
        byte[] fromOld = oldOnly.encrypt(ascii("x"));
        byte[] fromNew = rotated.encrypt(ascii("y"));

        assertThat(rotated.decrypt(fromOld, 70)).isEqualTo(ascii("x"));
        assertThat(rotated.decrypt(fromNew, 70)).isEqualTo(ascii("y"));
        assertThatThrownBy(() -> oldOnly.decrypt(fromNew, 70)).isInstanceOf(Fernet.InvalidTokenException.class);
    }
}
