package dev.mux.layer;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * An immutable message as channel layers carry it: a map from string keys to JSON-like values.
 *
 * <p>Values are {@code null}, {@link Boolean}, {@link Long} (int64), {@link Double} (float64),
 * {@link String}, {@link Bytes} (binary, kept distinct from text), {@link List} and
 * {@link Map} with {@code String} keys, nested to any depth. On the way in, smaller integer
 * types become {@code Long}, {@code Float} becomes {@code Double}, {@code byte[]} and
 * {@link ByteBuffer} become {@code Bytes}, any {@link Collection} or {@code Object[]} becomes a
 * {@code List}, a {@code Message} becomes its map, and Jackson {@link JsonNode}s are converted.
 * Anything else is rejected with an {@link IllegalArgumentException} naming the key and the
 * value's class. Lists and maps handed out are unmodifiable.
 *
 * <p>The {@code type} key drives dispatch to consumer handlers: by convention a dotted name such
 * as {@code "chat.message"}.
 *
 * <pre>{@code
 * Message m = Message.of("type", "chat.message", "text", "hi");
 * Message n = Message.builder("chat.message").put("text", "hi").put("room", 7).build();
 * JsonNode json = m.toJson();
 * }</pre>
 *
 * <p>Instances are immutable and thread-safe, so a layer may hand one instance to every member
 * of a group.
 */
public final class Message {

    /**
     * The deepest nesting of lists and maps a message may have (Jackson's default limit for
     * parsed JSON): deeper values, and values that contain themselves, are refused with an
     * {@link IllegalArgumentException} instead of overflowing the stack.
     */
    public static final int MAX_DEPTH = 1000;

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Message EMPTY = new Message(Collections.emptyMap());

    private final Map<String, Object> values;

    private Message(Map<String, Object> normalizedUnmodifiable) {
        this.values = normalizedUnmodifiable;
    }

    /**
     * Returns the empty message.
     *
     * @return a message with no keys
     */
    public static Message empty() {
        return EMPTY;
    }

    /**
     * Creates a message from alternating keys and values.
     *
     * @param keysAndValues {@code key1, value1, key2, value2, …}; keys are strings
     * @return the message
     * @throws IllegalArgumentException if the count is odd, a key is not a string, or a value
     *                                  is not supported
     */
    public static Message of(Object... keysAndValues) {
        Objects.requireNonNull(keysAndValues, "keysAndValues must not be null");
        if (keysAndValues.length % 2 != 0) {
            throw new IllegalArgumentException("Message.of needs key/value pairs, got "
                    + keysAndValues.length + " arguments");
        }
        Builder b = builder();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            if (!(keysAndValues[i] instanceof String key)) {
                throw new IllegalArgumentException("message key at position " + i + " must be a String, was "
                        + (keysAndValues[i] == null ? "null" : keysAndValues[i].getClass().getName()));
            }
            b.put(key, keysAndValues[i + 1]);
        }
        return b.build();
    }

    /**
     * Creates a message from a map, normalizing and copying every value.
     *
     * @param map string keys to supported values
     * @return the message
     * @throws IllegalArgumentException if a value is not supported
     */
    public static Message fromMap(Map<String, ?> map) {
        Objects.requireNonNull(map, "map must not be null");
        if (map.isEmpty()) {
            return EMPTY;
        }
        Map<String, Object> out = new LinkedHashMap<>(Math.max(4, map.size() * 2));
        for (Map.Entry<String, ?> e : map.entrySet()) {
            String key = requireKey(e.getKey(), "");
            out.put(key, normalize(e.getValue(), key));
        }
        return new Message(Collections.unmodifiableMap(out));
    }

    /**
     * Creates a message from a Jackson object node.
     *
     * @param json an object node
     * @return the message
     * @throws IllegalArgumentException if {@code json} is not an object, or holds an integer
     *                                  outside the int64 range
     */
    public static Message fromJson(JsonNode json) {
        Objects.requireNonNull(json, "json must not be null");
        if (!json.isObject()) {
            throw new IllegalArgumentException("a message must be a JSON object, was " + json.getNodeType());
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> map = (Map<String, Object>) normalize(json, "");
        return map.isEmpty() ? EMPTY : new Message(map);
    }

    /**
     * Creates a message from a JSON text holding an object.
     *
     * @param json the JSON text
     * @return the message
     * @throws IllegalArgumentException if the text is not valid JSON or not an object
     */
    public static Message fromJson(String json) {
        Objects.requireNonNull(json, "json must not be null");
        try {
            return fromJson(MAPPER.readTree(json));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("invalid JSON for a message: " + e.getOriginalMessage(), e);
        }
    }

    /**
     * Creates a message from a POJO or record, through Jackson's default mapping.
     *
     * @param value an object Jackson maps to a JSON object
     * @return the message
     */
    public static Message fromObject(Object value) {
        Objects.requireNonNull(value, "value must not be null");
        return fromJson(MAPPER.valueToTree(value));
    }

    /**
     * Starts an empty builder.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Starts a builder with the {@code type} key set.
     *
     * @param type the message type, for example {@code "chat.message"}
     * @return a new builder
     */
    public static Builder builder(String type) {
        return new Builder().put("type", Objects.requireNonNull(type, "type must not be null"));
    }

    /**
     * Returns the {@code type} key, which drives dispatch to consumer handlers.
     *
     * @return the type, or {@code null} if absent or not a string
     */
    public String type() {
        return values.get("type") instanceof String s ? s : null;
    }

    /**
     * Returns a value.
     *
     * @param key the key
     * @return the normalized value, or {@code null} if absent
     */
    public Object get(String key) {
        return values.get(key);
    }

    /**
     * Tells whether a key is present (possibly with a {@code null} value).
     *
     * @param key the key
     * @return {@code true} if present
     */
    public boolean containsKey(String key) {
        return values.containsKey(key);
    }

    /**
     * Returns a string value.
     *
     * @param key the key
     * @return the string, or {@code null} if absent or {@code null}
     * @throws ClassCastException if the value is not a string
     */
    public String getString(String key) {
        return (String) values.get(key);
    }

    /**
     * Returns an integer value.
     *
     * @param key the key
     * @return the value, or {@code null} if absent or {@code null}
     * @throws ClassCastException if the value is not an integer
     */
    public Long getLong(String key) {
        return (Long) values.get(key);
    }

    /**
     * Returns a floating-point value; integers are widened.
     *
     * @param key the key
     * @return the value, or {@code null} if absent or {@code null}
     * @throws ClassCastException if the value is not a number
     */
    public Double getDouble(String key) {
        Object v = values.get(key);
        return v == null ? null : ((Number) v).doubleValue();
    }

    /**
     * Returns a boolean value.
     *
     * @param key the key
     * @return the value, or {@code null} if absent or {@code null}
     * @throws ClassCastException if the value is not a boolean
     */
    public Boolean getBoolean(String key) {
        return (Boolean) values.get(key);
    }

    /**
     * Returns a binary value.
     *
     * @param key the key
     * @return the bytes, or {@code null} if absent or {@code null}
     * @throws ClassCastException if the value is not binary
     */
    public Bytes getBytes(String key) {
        return (Bytes) values.get(key);
    }

    /**
     * Returns a list value.
     *
     * @param key the key
     * @return an unmodifiable list, or {@code null} if absent or {@code null}
     * @throws ClassCastException if the value is not a list
     */
    @SuppressWarnings("unchecked")
    public List<Object> getList(String key) {
        return (List<Object>) values.get(key);
    }

    /**
     * Returns a map value.
     *
     * @param key the key
     * @return an unmodifiable map, or {@code null} if absent or {@code null}
     * @throws ClassCastException if the value is not a map
     */
    @SuppressWarnings("unchecked")
    public Map<String, Object> getMap(String key) {
        return (Map<String, Object>) values.get(key);
    }

    /**
     * Returns the message as a map.
     *
     * @return an unmodifiable map in insertion order; nested lists and maps are unmodifiable
     */
    public Map<String, Object> asMap() {
        return values;
    }

    /**
     * Returns the keys.
     *
     * @return an unmodifiable set in insertion order
     */
    public Set<String> keys() {
        return values.keySet();
    }

    /**
     * Returns the number of keys.
     *
     * @return the size
     */
    public int size() {
        return values.size();
    }

    /**
     * Returns a copy of this message with one key set.
     *
     * @param key   the key
     * @param value a supported value
     * @return a new message
     */
    public Message with(String key, Object value) {
        return toBuilder().put(key, value).build();
    }

    /**
     * Returns a copy of this message without a key.
     *
     * @param key the key
     * @return a new message, or this one if the key is absent
     */
    public Message without(String key) {
        if (!values.containsKey(key)) {
            return this;
        }
        Builder b = toBuilder();
        b.values.remove(key);
        return b.build();
    }

    /**
     * Starts a builder holding this message's keys.
     *
     * @return a new builder
     */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.values.putAll(values);
        return b;
    }

    /**
     * Converts the message to a Jackson object node; binary values become base64 text when
     * written as JSON.
     *
     * @return a new object node
     */
    public ObjectNode toJson() {
        return (ObjectNode) toJsonNode(values);
    }

    /**
     * Converts the message to a JSON text.
     *
     * @return compact JSON
     */
    public String toJsonString() {
        try {
            return MAPPER.writeValueAsString(toJson());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a message could not be written as JSON", e);
        }
    }

    /**
     * Converts the message to a POJO or record through Jackson's default mapping.
     *
     * @param type the target class
     * @param <T>  the target type
     * @return the converted value
     * @throws IllegalArgumentException if Jackson cannot map it
     */
    public <T> T toObject(Class<T> type) {
        Objects.requireNonNull(type, "type must not be null");
        return MAPPER.convertValue(toJson(), type);
    }

    @Override
    public boolean equals(Object o) {
        return o == this || (o instanceof Message other && values.equals(other.values));
    }

    @Override
    public int hashCode() {
        return values.hashCode();
    }

    @Override
    public String toString() {
        return "Message" + values;
    }

    // ---------------------------------------------------------------------------------------
    // Normalization

    private static String requireKey(Object key, String parent) {
        if (key instanceof String s) {
            return s;
        }
        throw new IllegalArgumentException("message keys must be strings: key "
                + (key == null ? "null" : "of class " + key.getClass().getName())
                + (parent.isEmpty() ? "" : " under '" + parent + "'"));
    }

    static Object normalize(Object value, String path) {
        return normalize(value, path, 0);
    }

    private static void checkDepth(int depth, String path) {
        if (depth > MAX_DEPTH) {
            throw new IllegalArgumentException("message value at '" + abbreviate(path) + "' is nested deeper than "
                    + MAX_DEPTH + " levels (or contains itself)");
        }
    }

    private static Object normalize(Object value, String path, int depth) {
        if (value == null || value instanceof String || value instanceof Boolean
                || value instanceof Long || value instanceof Double || value instanceof Bytes) {
            return value;
        }
        if (value instanceof Integer || value instanceof Short || value instanceof Byte) {
            return ((Number) value).longValue();
        }
        if (value instanceof Float f) {
            return f.doubleValue();
        }
        if (value instanceof BigInteger big) {
            if (big.bitLength() > 63) {
                throw new IllegalArgumentException("message value at '" + path
                        + "' is outside the int64 range: " + abbreviate(big.toString()));
            }
            return big.longValue();
        }
        if (value instanceof CharSequence cs) {
            return cs.toString();
        }
        if (value instanceof byte[] array) {
            return Bytes.of(array);
        }
        if (value instanceof ByteBuffer buffer) {
            byte[] copy = new byte[buffer.remaining()];
            buffer.duplicate().get(copy);
            return Bytes.wrap(copy);
        }
        if (value instanceof Message m) {
            return m.values;
        }
        if (value instanceof JsonNode node) {
            return fromJsonNode(node, path, depth);
        }
        if (value instanceof Map<?, ?> map) {
            checkDepth(depth + 1, path);
            Map<String, Object> out = new LinkedHashMap<>(Math.max(4, map.size() * 2));
            for (Map.Entry<?, ?> e : map.entrySet()) {
                String key = requireKey(e.getKey(), path);
                out.put(key, normalize(e.getValue(), path.isEmpty() ? key : path + "." + key, depth + 1));
            }
            return Collections.unmodifiableMap(out);
        }
        if (value instanceof Collection<?> c) {
            checkDepth(depth + 1, path);
            List<Object> out = new ArrayList<>(c.size());
            int i = 0;
            for (Object item : c) {
                out.add(normalize(item, path + "[" + i++ + "]", depth + 1));
            }
            return Collections.unmodifiableList(out);
        }
        if (value instanceof Object[] array) {
            checkDepth(depth + 1, path);
            List<Object> out = new ArrayList<>(array.length);
            for (int i = 0; i < array.length; i++) {
                out.add(normalize(array[i], path + "[" + i + "]", depth + 1));
            }
            return Collections.unmodifiableList(out);
        }
        throw new IllegalArgumentException("message value at '" + path + "' has unsupported class "
                + value.getClass().getName() + "; supported: null, Boolean, integer types up to Long, Float,"
                + " Double, String, byte[], Bytes, List, Map with String keys, Message, JsonNode");
    }

    private static Object fromJsonNode(JsonNode node, String path, int depth) {
        switch (node.getNodeType()) {
            case NULL:
            case MISSING:
                return null;
            case BOOLEAN:
                return node.booleanValue();
            case STRING:
                return node.textValue();
            case BINARY:
                try {
                    return Bytes.wrap(node.binaryValue());
                } catch (java.io.IOException e) {
                    throw new IllegalArgumentException("unreadable binary value at '" + path + "'", e);
                }
            case NUMBER:
                if (node.isIntegralNumber()) {
                    if (!node.canConvertToLong()) {
                        throw new IllegalArgumentException("message value at '" + path
                                + "' is outside the int64 range: " + abbreviate(node.asText()));
                    }
                    return node.longValue();
                }
                double d = node.isBigDecimal() ? node.decimalValue().doubleValue() : node.doubleValue();
                if (Double.isInfinite(d) && node.isBigDecimal()) {
                    throw new IllegalArgumentException("message value at '" + path
                            + "' is outside the float64 range: " + abbreviate(node.asText()));
                }
                return d;
            case ARRAY: {
                checkDepth(depth + 1, path);
                List<Object> out = new ArrayList<>(node.size());
                int i = 0;
                for (JsonNode item : node) {
                    out.add(fromJsonNode(item, path + "[" + i++ + "]", depth + 1));
                }
                return Collections.unmodifiableList(out);
            }
            case OBJECT: {
                checkDepth(depth + 1, path);
                Map<String, Object> out = new LinkedHashMap<>(Math.max(4, node.size() * 2));
                Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
                while (fields.hasNext()) {
                    Map.Entry<String, JsonNode> e = fields.next();
                    out.put(e.getKey(), fromJsonNode(e.getValue(),
                            path.isEmpty() ? e.getKey() : path + "." + e.getKey(), depth + 1));
                }
                return Collections.unmodifiableMap(out);
            }
            case POJO:
                return normalize(((com.fasterxml.jackson.databind.node.POJONode) node).getPojo(), path, depth);
            default:
                throw new IllegalArgumentException("message value at '" + path
                        + "' has unsupported JSON type " + node.getNodeType());
        }
    }

    /** Keeps error messages short when a client sent a number of thousands of digits. */
    private static String abbreviate(String text) {
        return text.length() <= 40 ? text : text.substring(0, 20) + "…(" + text.length() + " characters)";
    }

    private static JsonNode toJsonNode(Object value) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        if (value == null) {
            return f.nullNode();
        }
        if (value instanceof String s) {
            return f.textNode(s);
        }
        if (value instanceof Long l) {
            return f.numberNode(l);
        }
        if (value instanceof Double d) {
            return f.numberNode(d);
        }
        if (value instanceof Boolean b) {
            return f.booleanNode(b);
        }
        if (value instanceof Bytes bytes) {
            return f.binaryNode(bytes.toByteArray());
        }
        if (value instanceof Map<?, ?> map) {
            ObjectNode node = f.objectNode();
            for (Map.Entry<?, ?> e : map.entrySet()) {
                node.set((String) e.getKey(), toJsonNode(e.getValue()));
            }
            return node;
        }
        if (value instanceof List<?> list) {
            ArrayNode node = f.arrayNode(list.size());
            for (Object item : list) {
                node.add(toJsonNode(item));
            }
            return node;
        }
        throw new IllegalStateException("not a normalized message value: " + value.getClass().getName());
    }

    /**
     * Builds a {@link Message}; values are validated and normalized as they are put.
     *
     * <p>Not thread-safe.
     */
    public static final class Builder {
        private final Map<String, Object> values = new LinkedHashMap<>();

        private Builder() {
        }

        /**
         * Sets a key.
         *
         * @param key   the key
         * @param value a supported value
         * @return this builder
         * @throws IllegalArgumentException if the value is not supported; the message names
         *                                  the key and the value's class
         */
        public Builder put(String key, Object value) {
            Objects.requireNonNull(key, "key must not be null");
            values.put(key, normalize(value, key));
            return this;
        }

        /**
         * Sets every entry of a map.
         *
         * @param map keys to supported values
         * @return this builder
         */
        public Builder putAll(Map<String, ?> map) {
            Objects.requireNonNull(map, "map must not be null");
            map.forEach(this::put);
            return this;
        }

        /**
         * Builds the message.
         *
         * @return an immutable message
         */
        public Message build() {
            if (values.isEmpty()) {
                return EMPTY;
            }
            return new Message(Collections.unmodifiableMap(new LinkedHashMap<>(values)));
        }
    }
}
