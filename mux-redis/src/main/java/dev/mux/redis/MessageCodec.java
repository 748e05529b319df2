package dev.mux.redis;

import dev.mux.layer.Bytes;
import dev.mux.layer.Message;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
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

    /** Message values may nest {@link Message#MAX_DEPTH} levels below the top-level map. */
    private static final int MAX_DEPTH = Message.MAX_DEPTH + 1;
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
                try {
                    packText(packer, entry.getKey());
                    pack(packer, entry.getValue());
                } catch (LoneSurrogate e) {
                    throw new IllegalArgumentException("message value at '" + e.path(entry.getKey())
                            + "' holds a lone surrogate (U+" + Integer.toHexString(e.character).toUpperCase(
                                    java.util.Locale.ROOT) + "): it has no UTF-8 form, so it cannot be sent"
                            + " through Redis");
                }
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
            Input in = new Input(unpacker, plain.length - offset);
            int size = in.count(unpacker.unpackMapHeader(), 2, "the message map");
            Map<String, Object> message = new LinkedHashMap<>(Math.max(4, size * 2));
            Object asgiChannel = null;
            for (int i = 0; i < size; i++) {
                String key = unpackKey(in, "");
                Object value = unpackValue(in, key, 1);
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

    /**
     * The unpacker with the size of its input: every length a member declares is checked
     * against the bytes actually left before anything is allocated for it, so garbage that
     * declares a map of a billion entries or a string of 2 GiB is refused, not allocated.
     */
    private record Input(MessageUnpacker unpacker, long length) {
        long left() {
            return length - unpacker.getTotalReadBytes();
        }

        /** Checks a declared element count: each element takes at least {@code bytesEach} bytes. */
        int count(int declared, int bytesEach, String what) {
            if (declared < 0 || (long) declared * bytesEach > left()) {
                throw new DecodeException(what + " declares " + Integer.toUnsignedString(declared)
                        + " elements but only " + left() + " bytes are left");
            }
            return declared;
        }

        /** Checks a declared payload length. */
        int bytes(int declared, String what) {
            if (declared < 0 || declared > left()) {
                throw new DecodeException(what + " declares " + Integer.toUnsignedString(declared)
                        + " bytes but only " + left() + " are left");
            }
            return declared;
        }

        String string(String path) throws IOException {
            int length = bytes(unpacker.unpackRawStringHeader(), "the string at '" + path + "'");
            byte[] utf8 = unpacker.readPayload(length);
            try {
                return StandardCharsets.UTF_8.newDecoder()
                        .onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT)
                        .decode(ByteBuffer.wrap(utf8)).toString();
            } catch (CharacterCodingException e) {
                throw new DecodeException("the string at '" + path + "' is not valid UTF-8");
            }
        }
    }

    private static String unpackKey(Input in, String path) throws IOException {
        MessageFormat format = in.unpacker().getNextFormat();
        if (format.getValueType() != ValueType.STRING) {
            throw new DecodeException("map key under '" + path + "' is " + format.getValueType()
                    + ", not a string");
        }
        return in.string(path.isEmpty() ? "(key)" : path + ".(key)");
    }

    private static Object unpackValue(Input in, String path, int depth) throws IOException {
        MessageUnpacker unpacker = in.unpacker();
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
                return in.string(path);
            case BINARY: {
                int length = in.bytes(unpacker.unpackBinaryHeader(), "the binary value at '" + path + "'");
                return Bytes.wrap(unpacker.readPayload(length));
            }
            case ARRAY: {
                int size = in.count(unpacker.unpackArrayHeader(), 1, "the list at '" + path + "'");
                List<Object> list = new ArrayList<>(size);
                for (int i = 0; i < size; i++) {
                    list.add(unpackValue(in, path + "[" + i + "]", depth + 1));
                }
                return list;
            }
            case MAP: {
                int size = in.count(unpacker.unpackMapHeader(), 2, "the map at '" + path + "'");
                Map<String, Object> map = new LinkedHashMap<>(Math.max(4, size * 2));
                for (int i = 0; i < size; i++) {
                    String key = unpackKey(in, path);
                    map.put(key, unpackValue(in, path + "." + key, depth + 1));
                }
                return map;
            }
            default:
                throw new DecodeException("value at '" + path + "' has unsupported msgpack type "
                        + format.getValueType());
        }
    }

    /**
     * A string with a lone surrogate, which has no UTF-8 form; carries the path from the value
     * up, built only on this rare failure so that packing allocates nothing for paths.
     */
    private static final class LoneSurrogate extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final char character;
        private final StringBuilder below = new StringBuilder();

        LoneSurrogate(char character) {
            super(null, null, false, false);
            this.character = character;
        }

        LoneSurrogate under(String step) {
            below.insert(0, step);
            return this;
        }

        String path(String key) {
            return key + below;
        }
    }

    /**
     * Packs text as msgpack str (UTF-8). A lone surrogate has no UTF-8 form: the packer would
     * silently write '?', so it is refused instead, as Python's msgpack refuses it.
     */
    private static void packText(MessageBufferPacker packer, String s) throws IOException {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isSurrogate(c)) {
                if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                    i++;
                    continue;
                }
                throw new LoneSurrogate(c);
            }
        }
        packer.packString(s);
    }

    private static void pack(MessageBufferPacker packer, Object value) throws IOException {
        if (value == null) {
            packer.packNil();
        } else if (value instanceof String s) {
            packText(packer, s);
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
            int i = 0;
            for (Object item : list) {
                try {
                    pack(packer, item);
                } catch (LoneSurrogate e) {
                    throw e.under("[" + i + "]");
                }
                i++;
            }
        } else if (value instanceof Map<?, ?> map) {
            packer.packMapHeader(map.size());
            for (Map.Entry<?, ?> e : map.entrySet()) {
                String key = (String) e.getKey();
                try {
                    packText(packer, key);
                    pack(packer, e.getValue());
                } catch (LoneSurrogate failure) {
                    throw failure.under("." + key);
                }
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
