package dev.mux.redis;

import dev.mux.layer.Bytes;
import dev.mux.layer.Message;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.CodingErrorAction;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.msgpack.core.MessageBufferPacker;
import org.msgpack.core.MessageFormat;
import org.msgpack.core.MessagePack;
import org.msgpack.core.MessagePackException;
import org.msgpack.core.MessageUnpacker;
import org.msgpack.value.ValueType;

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
 * refused with a {@link DecodeException}.
 *
 * <p>Thread-safe.
 */
final class MessageCodec {

    /** The routing key channels_redis adds to a message. */
    static final String ASGI_CHANNEL = "__asgi_channel__";
    /** The length of the random prefix that keeps equal messages distinct ZSET members. */
    static final int RANDOM_PREFIX_LENGTH = 12;

    private static final int MAX_DEPTH = 256;
    private static final MessagePack.UnpackerConfig UNPACKER = new MessagePack.UnpackerConfig()
            .withActionOnMalformedString(CodingErrorAction.REPORT)
            .withActionOnUnmappableString(CodingErrorAction.REPORT);

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
        try (MessageBufferPacker packer = MessagePack.newDefaultBufferPacker()) {
            for (Map.Entry<String, Object> entry : message.asMap().entrySet()) {
                packer.packString(entry.getKey());
                pack(packer, entry.getValue());
            }
            return new Body(packer.toByteArray(), message.size());
        } catch (IOException e) {
            throw new UncheckedIOException("packing into memory failed", e);
        }
    }

    /**
     * Builds the ZSET member for a body, adding the routing key if given.
     *
     * @param body        the packed entries
     * @param asgiChannel {@code null}, a channel name, or a list of channel names
     * @return 12 random bytes followed by the (possibly encrypted) msgpack map
     */
    byte[] member(Body body, Object asgiChannel) {
        byte[] plain;
        try (MessageBufferPacker packer = MessagePack.newDefaultBufferPacker()) {
            packer.packMapHeader(body.count() + (asgiChannel == null ? 0 : 1));
            packer.addPayload(body.entries());
            if (asgiChannel instanceof String name) {
                packer.packString(ASGI_CHANNEL);
                packer.packString(name);
            } else if (asgiChannel instanceof List<?> names) {
                packer.packString(ASGI_CHANNEL);
                packer.packArrayHeader(names.size());
                for (Object name : names) {
                    packer.packString((String) name);
                }
            }
            plain = packer.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException("packing into memory failed", e);
        }
        byte[] payload = keys == null ? plain : keys.encrypt(plain);
        byte[] member = new byte[RANDOM_PREFIX_LENGTH + payload.length];
        ThreadLocalRandom random = ThreadLocalRandom.current();
        for (int i = 0; i < RANDOM_PREFIX_LENGTH; i += 4) {
            int r = random.nextInt();
            member[i] = (byte) r;
            member[i + 1] = (byte) (r >>> 8);
            member[i + 2] = (byte) (r >>> 16);
            member[i + 3] = (byte) (r >>> 24);
        }
        System.arraycopy(payload, 0, member, RANDOM_PREFIX_LENGTH, payload.length);
        return member;
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
        try (MessageUnpacker unpacker = UNPACKER.newUnpacker(plain, offset, plain.length - offset)) {
            if (unpacker.getNextFormat().getValueType() != ValueType.MAP) {
                throw new DecodeException("top level is " + unpacker.getNextFormat().getValueType()
                        + ", not a map");
            }
            int size = unpacker.unpackMapHeader();
            Map<String, Object> message = new LinkedHashMap<>(Math.max(4, size * 2));
            Object asgiChannel = null;
            for (int i = 0; i < size; i++) {
                String key = unpackKey(unpacker, "");
                Object value = unpackValue(unpacker, key, 1);
                if (ASGI_CHANNEL.equals(key)) {
                    asgiChannel = value;
                } else {
                    message.put(key, value);
                }
            }
            if (unpacker.hasNext()) {
                throw new DecodeException("extra bytes after the message map");
            }
            return new Decoded(message, asgiChannel);
        } catch (IOException | MessagePackException e) {
            throw new DecodeException("invalid msgpack: " + e.getMessage());
        }
    }

    private static String unpackKey(MessageUnpacker unpacker, String path) throws IOException {
        MessageFormat format = unpacker.getNextFormat();
        if (format.getValueType() != ValueType.STRING) {
            throw new DecodeException("map key under '" + path + "' is " + format.getValueType()
                    + ", not a string");
        }
        return unpacker.unpackString();
    }

    private static Object unpackValue(MessageUnpacker unpacker, String path, int depth) throws IOException {
        if (depth > MAX_DEPTH) {
            throw new DecodeException("nested deeper than " + MAX_DEPTH + " levels at '" + path + "'");
        }
        MessageFormat format = unpacker.getNextFormat();
        switch (format.getValueType()) {
            case NIL:
                unpacker.unpackNil();
                return null;
            case BOOLEAN:
                return unpacker.unpackBoolean();
            case INTEGER:
                if (format == MessageFormat.UINT64) {
                    java.math.BigInteger big = unpacker.unpackBigInteger();
                    if (big.bitLength() > 63) {
                        // The value itself stays out of the message: it is payload, and this is logged.
                        throw new DecodeException("integer at '" + path + "' exceeds int64");
                    }
                    return big.longValue();
                }
                return unpacker.unpackLong();
            case FLOAT:
                return unpacker.unpackDouble();
            case STRING:
                return unpacker.unpackString();
            case BINARY: {
                int length = unpacker.unpackBinaryHeader();
                return Bytes.wrap(unpacker.readPayload(length));
            }
            case ARRAY: {
                int size = unpacker.unpackArrayHeader();
                List<Object> list = new ArrayList<>(size);
                for (int i = 0; i < size; i++) {
                    list.add(unpackValue(unpacker, path + "[" + i + "]", depth + 1));
                }
                return list;
            }
            case MAP: {
                int size = unpacker.unpackMapHeader();
                Map<String, Object> map = new LinkedHashMap<>(Math.max(4, size * 2));
                for (int i = 0; i < size; i++) {
                    String key = unpackKey(unpacker, path);
                    map.put(key, unpackValue(unpacker, path + "." + key, depth + 1));
                }
                return map;
            }
            default:
                throw new DecodeException("value at '" + path + "' has unsupported msgpack type "
                        + format.getValueType());
        }
    }

    private static void pack(MessageBufferPacker packer, Object value) throws IOException {
        if (value == null) {
            packer.packNil();
        } else if (value instanceof String s) {
            packer.packString(s);
        } else if (value instanceof Long l) {
            packer.packLong(l);
        } else if (value instanceof Double d) {
            packer.packDouble(d);
        } else if (value instanceof Boolean b) {
            packer.packBoolean(b);
        } else if (value instanceof Bytes bytes) {
            packer.packBinaryHeader(bytes.size());
            packer.writePayload(bytes.toByteArray());
        } else if (value instanceof List<?> list) {
            packer.packArrayHeader(list.size());
            for (Object item : list) {
                pack(packer, item);
            }
        } else if (value instanceof Map<?, ?> map) {
            packer.packMapHeader(map.size());
            for (Map.Entry<?, ?> e : map.entrySet()) {
                packer.packString((String) e.getKey());
                pack(packer, e.getValue());
            }
        } else {
            // Message normalizes every value to the types above; anything else is a bug.
            throw new IllegalStateException("not a normalized message value: " + value.getClass().getName());
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
