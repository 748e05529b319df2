package dev.mux.redis;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Fernet symmetric encryption (the spec at github.com/fernet/spec) with JDK crypto only, keyed
 * as channels_redis keys it: the 32-byte key is SHA-256 of the UTF-8 secret, its first half
 * signs (HMAC-SHA256) and its second half encrypts (AES-128-CBC, PKCS#7).
 *
 * <p>A token is {@code base64url(0x80 | timestamp(8, big-endian seconds) | IV(16) |
 * ciphertext | HMAC(32))} with padding, as Python's {@code cryptography} writes it.
 *
 * <p>Thread-safe: JCA objects are created per call.
 */
final class Fernet {

    /** Tokens from further than this in the future are refused, as in {@code cryptography}. */
    static final long MAX_CLOCK_SKEW_SECONDS = 60;

    private static final byte VERSION = (byte) 0x80;
    private static final int HEADER = 1 + 8 + 16;
    private static final int HMAC_LENGTH = 32;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final SecretKeySpec signingKey;
    private final SecretKeySpec encryptionKey;

    private Fernet(byte[] key32) {
        this.signingKey = new SecretKeySpec(Arrays.copyOfRange(key32, 0, 16), "HmacSHA256");
        this.encryptionKey = new SecretKeySpec(Arrays.copyOfRange(key32, 16, 32), "AES");
    }

    /**
     * Derives the Fernet key from a secret as channels_redis' {@code make_fernet} does.
     *
     * @param secret a non-empty secret
     * @return the Fernet
     */
    static Fernet fromSecret(String secret) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8));
            return new Fernet(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK lacks SHA-256", e);
        }
    }

    /**
     * Encrypts with the current time and a random IV.
     *
     * @param plaintext the bytes to encrypt
     * @return the token as ASCII bytes
     */
    byte[] encrypt(byte[] plaintext) {
        byte[] iv = new byte[16];
        RANDOM.nextBytes(iv);
        return encrypt(plaintext, System.currentTimeMillis() / 1000, iv);
    }

    /**
     * Encrypts with a given time and IV; for tests against fixed vectors.
     *
     * @param plaintext the bytes to encrypt
     * @param timestamp the token's time, in epoch seconds
     * @param iv        16 bytes
     * @return the token as ASCII bytes
     */
    byte[] encrypt(byte[] plaintext, long timestamp, byte[] iv) {
        try {
            Cipher cipher = Cipher.getInstance("AES/CBC/PKCS5Padding");
            cipher.init(Cipher.ENCRYPT_MODE, encryptionKey, new IvParameterSpec(iv));
            byte[] ciphertext = cipher.doFinal(plaintext);
            ByteBuffer token = ByteBuffer.allocate(HEADER + ciphertext.length + HMAC_LENGTH);
            token.put(VERSION).putLong(timestamp).put(iv).put(ciphertext);
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(signingKey);
            mac.update(token.array(), 0, token.position());
            token.put(mac.doFinal());
            return Base64.getUrlEncoder().encode(token.array());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK refused AES-128-CBC or HMAC-SHA256", e);
        }
    }

    /**
     * Verifies and decrypts a token.
     *
     * @param token      the token as ASCII bytes
     * @param ttlSeconds the token's maximum age
     * @param now        the current time in epoch seconds
     * @return the plaintext
     * @throws InvalidTokenException if the token is malformed, too old, from the future, or
     *                               not signed with this key
     */
    byte[] decrypt(byte[] token, long ttlSeconds, long now) {
        byte[] data;
        try {
            data = Base64.getUrlDecoder().decode(token);
        } catch (IllegalArgumentException e) {
            throw new InvalidTokenException("not base64url");
        }
        if (data.length < HEADER + 16 + HMAC_LENGTH || data[0] != VERSION
                || (data.length - HEADER - HMAC_LENGTH) % 16 != 0) {
            throw new InvalidTokenException("not a Fernet token");
        }
        long timestamp = ByteBuffer.wrap(data, 1, 8).getLong();
        if (timestamp + ttlSeconds < now) {
            throw new InvalidTokenException("expired");
        }
        if (now + MAX_CLOCK_SKEW_SECONDS < timestamp) {
            throw new InvalidTokenException("from the future");
        }
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(signingKey);
            mac.update(data, 0, data.length - HMAC_LENGTH);
            byte[] expected = mac.doFinal();
            byte[] actual = Arrays.copyOfRange(data, data.length - HMAC_LENGTH, data.length);
            if (!MessageDigest.isEqual(expected, actual)) {
                throw new InvalidTokenException("signature mismatch");
            }
            Cipher cipher = Cipher.getInstance("AES/CBC/PKCS5Padding");
            cipher.init(Cipher.DECRYPT_MODE, encryptionKey, new IvParameterSpec(data, 9, 16));
            return cipher.doFinal(data, HEADER, data.length - HEADER - HMAC_LENGTH);
        } catch (javax.crypto.BadPaddingException | javax.crypto.IllegalBlockSizeException e) {
            throw new InvalidTokenException("bad padding");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK refused AES-128-CBC or HMAC-SHA256", e);
        }
    }

    /** A token that does not verify or decrypt under a key. */
    static final class InvalidTokenException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        InvalidTokenException(String reason) {
            super("invalid Fernet token: " + reason, null, false, false);
        }
    }

    /**
     * Several keys for rotation, as {@code MultiFernet}: the first encrypts, each is tried in
     * turn to decrypt.
     */
    static final class Keys {
        private final List<Fernet> fernets;

        Keys(List<String> secrets) {
            if (secrets.isEmpty()) {
                throw new IllegalArgumentException("at least one secret is needed");
            }
            List<Fernet> list = new ArrayList<>(secrets.size());
            for (String secret : secrets) {
                list.add(fromSecret(secret));
            }
            this.fernets = List.copyOf(list);
        }

        byte[] encrypt(byte[] plaintext) {
            return fernets.get(0).encrypt(plaintext);
        }

        byte[] decrypt(byte[] token, long ttlSeconds) {
            long now = System.currentTimeMillis() / 1000;
            InvalidTokenException last = null;
            for (Fernet fernet : fernets) {
                try {
                    return fernet.decrypt(token, ttlSeconds, now);
                } catch (InvalidTokenException e) {
                    last = e;
                }
            }
            throw last;
        }
    }
}
