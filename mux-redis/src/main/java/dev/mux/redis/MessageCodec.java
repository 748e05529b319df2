package dev.mux.redis;

import dev.mux.layer.Bytes;
import dev.mux.layer.Message;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The channels_redis message format: a ZSET member is 12 random bytes followed by the msgpack
 * map of the message ({@code use_bin_type=True}: text as str, binary as bin, integers in the
 * smallest format, floats as float64), optionally replaced by its Fernet token.
 *
 * <p>The routing key {@value #ASGI_CHANNEL} is added by the layer: a string for a send to a
 * process-local channel, a list for a group send. A message body is encoded once
 * ({@link #body}) and wrapped per Redis key ({@link #member}), so a group send encodes the
 * payload once however many processes it reaches.
 *
 * <p>Decoding maps msgpack integers to {@link Long}, floats to {@link Double}, str to
 * {@link String}, bin to {@link Bytes}, arrays to lists and maps to maps; anything else
 * (non-string keys, extension types, integers beyond int64, invalid UTF-8, trailing bytes) is
 * refused with a {@link DecodeException}. Both directions use the hand-written
 * {@link MsgpackWriter} and {@link MsgpackReader}.
 *
 * <p>Thread-safe.
 */
final class MessageCodec {

    /** The routing key channels_redis adds to a message. */
    static final String ASGI_CHANNEL = "__asgi_channel__";
    /** The length of the random prefix that keeps equal messages distinct ZSET members. */
    static final int RANDOM_PREFIX_LENGTH = 12;

    private final Fernet.Keys keys;
    private final long ttlSeconds;

    /**
     * Creates a codec.
     *
     * @param keys       Fernet keys, or {@code null} for plain msgpack
     * @param ttlSeconds the token age accepted when decrypting (channels_redis: expiry + 10 s)
     */
    MessageCodec(Fernet.Keys keys, long ttlSeconds) {
        this.keys = keys;
        this.ttlSeconds = ttlSeconds;
    }

    /**
     * Tells whether members are Fernet-encrypted.
     *
     * @return {@code true} if keys are configured
     */
    boolean encrypts() {
        return keys != null;
    }

    /** The entries of a message packed once, without the map header. */
    record Body(byte[] entries, int count) {
    }

    /** A decoded member: the message without its routing key, and that key's value. */
    record Decoded(Map<String, Object> message, Object asgiChannel) {
    }

    /**
     * Packs a message's entries.
     *
     * @param message the message
     * @return the packed entries
     */
    Body body(Message message) {
        MsgpackWriter writer = new MsgpackWriter(128, 0);
        for (Map.Entry<String, Object> entry : message.asMap().entrySet()) {
            try {
                writer.string(entry.getKey());
                writer.value(entry.getValue());
            } catch (MsgpackWriter.LoneSurrogate e) {
                throw new IllegalArgumentException("message value at '" + e.path(entry.getKey())
                        + "' holds a lone surrogate (U+" + Integer.toHexString(e.character).toUpperCase(
                                java.util.Locale.ROOT) + "): it has no UTF-8 form, so it cannot be sent"
                        + " through Redis");
            }
        }
        return new Body(writer.toByteArray(), message.size());
    }

    /**
     * Builds the ZSET member for a body, adding the routing key if given.
     *
     * @param body        the packed entries
     * @param asgiChannel {@code null}, a channel name, or a list of channel names
     * @return 12 random bytes followed by the (possibly encrypted) msgpack map
     */
    byte[] member(Body body, Object asgiChannel) {
        if (asgiChannel == null) {
            return member(body, -1, 0, null);
        }
        if (asgiChannel instanceof String name) {
            return member(body, -2, name.length() + 3, writer -> writer.string(name));
        }
        List<?> names = (List<?>) asgiChannel;
        return member(body, names.size(), names.size() * 80, writer -> {
            for (Object name : names) {
                writer.string((String) name);
            }
        });
    }

    /**
     * Writes a member: the body, then unless {@code routes} is -1 the routing key with a single
     * name ({@code routes} -2) or an array of {@code routes} names, written by {@code names}.
     */
    private byte[] member(Body body, int routes, int routingSize, java.util.function.Consumer<MsgpackWriter> names) {
        int prefix = keys == null ? RANDOM_PREFIX_LENGTH : 0;
        // Plain members are written in place after the random prefix; encrypted ones get it added
        // in front of the token.
        MsgpackWriter writer = new MsgpackWriter(prefix + 30 + body.entries().length + routingSize, prefix);
        writer.mapHeader(body.count() + (routes == -1 ? 0 : 1));
        writer.raw(body.entries(), 0, body.entries().length);
        if (routes != -1) {
            writer.string(ASGI_CHANNEL);
            if (routes >= 0) {
                writer.arrayHeader(routes);
            }
            names.accept(writer);
        }
        byte[] member;
        if (keys == null) {
            member = writer.toByteArray();
        } else {
            byte[] token = keys.encrypt(writer.toByteArray());
            member = new byte[RANDOM_PREFIX_LENGTH + token.length];
            System.arraycopy(token, 0, member, RANDOM_PREFIX_LENGTH, token.length);
        }
        ThreadLocalRandom random = ThreadLocalRandom.current();
        for (int i = 0; i < RANDOM_PREFIX_LENGTH; i += 4) {
            int r = random.nextInt();
            member[i] = (byte) r;
            member[i + 1] = (byte) (r >>> 8);
            member[i + 2] = (byte) (r >>> 16);
            member[i + 3] = (byte) (r >>> 24);
        }
        return member;
    }

    /**
     * Builds the ZSET member of a group message for one process: the body with
     * {@code __asgi_channel__} listing that process's member channels.
     *
     * @param body  the packed entries
     * @param names the member channel names as Redis returned them (UTF-8), copied unchanged
     * @return 12 random bytes followed by the (possibly encrypted) msgpack map
     */
    byte[] groupMember(Body body, List<byte[]> names) {
        int size = 0;
        for (byte[] name : names) {
            size += name.length + 3;
        }
        return member(body, names.size(), size, writer -> {
            for (byte[] name : names) {
                writer.stringBytes(name);
            }
        });
    }

    /**
     * Decodes a ZSET member.
     *
     * @param member the member as stored
     * @return the message and its routing key
     * @throws DecodeException if the member is not a valid message
     */
    Decoded decode(byte[] member) {
        if (member.length <= RANDOM_PREFIX_LENGTH) {
            throw new DecodeException("member of " + member.length + " bytes is too short");
        }
        byte[] plain;
        int offset;
        if (keys != null) {
            try {
                plain = keys.decrypt(java.util.Arrays.copyOfRange(member, RANDOM_PREFIX_LENGTH, member.length),
                        ttlSeconds);
            } catch (Fernet.InvalidTokenException e) {
                throw new DecodeException(e.getMessage() + " (no configured key decrypts it)");
            }
            offset = 0;
        } else {
            plain = member;
            offset = RANDOM_PREFIX_LENGTH;
        }
        MsgpackReader reader = new MsgpackReader(plain, offset, plain.length - offset);
        String key = "";
        try {
            int size = reader.mapHeader();
            if (size < 0) {
                throw new DecodeException("top level is " + reader.nextType() + ", not a map");
            }
            // The claimed size is not trusted for the allocation: each entry takes at least 2 bytes.
            Map<String, Object> message = new java.util.LinkedHashMap<>(
                    Math.max(4, Math.min(size, plain.length - offset) * 2));
            Object asgiChannel = null;
            for (int i = 0; i < size; i++) {
                key = ""; // a bad key is reported under the top-level map, not the previous key
                key = reader.key("");
                Object value = reader.value(1);
                if (ASGI_CHANNEL.equals(key)) {
                    asgiChannel = value;
                } else {
                    message.put(key, value);
                }
            }
            if (reader.hasMore()) {
                throw new DecodeException("extra bytes after the message map");
            }
            return new Decoded(message, asgiChannel);
        } catch (MsgpackReader.Malformed e) {
            throw new DecodeException(e.reason(key));
        }
    }

    /** A member that is not a valid message; it is dropped with a warning. */
    static final class DecodeException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        DecodeException(String reason) {
            super(reason, null, false, false);
        }
    }
}
