package dev.mux.redis.interop;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mux.layer.Bytes;
import dev.mux.layer.Message;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The tagged JSON encoding the Python peer speaks, which keeps apart what plain JSON merges:
 * bytes travel as {@code {"$bytes": "<base64>"}}, non-finite floats as
 * {@code {"$float": "nan"|"inf"|"-inf"}}, a float is always written with a fraction or
 * exponent and an integer never is, and a map whose only key starts with {@code $} is escaped
 * as {@code {"$map": {...}}}.
 *
 * <p>Stateless and thread-safe.
 */
final class TaggedJson {

    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private TaggedJson() {
    }

    /** Encodes a message for the peer. */
    static ObjectNode encode(Message message) {
        return (ObjectNode) encodeValue(message.asMap());
    }

    /** Decodes a message the peer received. */
    @SuppressWarnings("unchecked")
    static Message decodeMessage(JsonNode node) {
        if (node == null || !node.isObject()) {
            throw new IllegalStateException("python peer returned a non-object message: " + node);
        }
        return Message.fromMap((Map<String, Object>) decodeValue(node, "message"));
    }

    static JsonNode encodeValue(Object value) {
        if (value == null) {
            return F.nullNode();
        }
        if (value instanceof String s) {
            return F.textNode(s);
        }
        if (value instanceof Boolean b) {
            return F.booleanNode(b);
        }
        if (value instanceof Long l) {
            return F.numberNode(l);
        }
        if (value instanceof Double d) {
            if (d.isNaN()) {
                return tag("$float", F.textNode("nan"));
            }
            if (d.isInfinite()) {
                return tag("$float", F.textNode(d > 0 ? "inf" : "-inf"));
            }
            // Jackson writes doubles with a fraction or an exponent ("2.0", "1.0E300"), which
            // Python's json reads back as float, never as int.
            return F.numberNode(d);
        }
        if (value instanceof Bytes b) {
            return tag("$bytes", F.textNode(Base64.getEncoder().encodeToString(b.toByteArray())));
        }
        if (value instanceof List<?> list) {
            ArrayNode array = F.arrayNode(list.size());
            for (Object item : list) {
                array.add(encodeValue(item));
            }
            return array;
        }
        if (value instanceof Map<?, ?> map) {
            ObjectNode object = F.objectNode();
            for (Map.Entry<?, ?> e : map.entrySet()) {
                object.set((String) e.getKey(), encodeValue(e.getValue()));
            }
            if (map.size() == 1 && ((String) map.keySet().iterator().next()).startsWith("$")) {
                return tag("$map", object);
            }
            return object;
        }
        throw new IllegalArgumentException("not a message value: " + value.getClass().getName());
    }

    static Object decodeValue(JsonNode node, String path) {
        switch (node.getNodeType()) {
            case NULL:
                return null;
            case BOOLEAN:
                return node.booleanValue();
            case STRING:
                return node.textValue();
            case NUMBER:
                if (node.isIntegralNumber()) {
                    if (!node.canConvertToLong()) {
                        throw new IllegalStateException("python peer returned an integer outside int64 at '"
                                + path + "': " + node.asText());
                    }
                    return node.longValue();
                }
                return node.doubleValue();
            case ARRAY: {
                List<Object> out = new ArrayList<>(node.size());
                int i = 0;
                for (JsonNode item : node) {
                    out.add(decodeValue(item, path + "[" + i++ + "]"));
                }
                return Collections.unmodifiableList(out);
            }
            case OBJECT: {
                if (node.size() == 1) {
                    String tag = node.fieldNames().next();
                    JsonNode inner = node.get(tag);
                    switch (tag) {
                        case "$bytes":
                            return Bytes.wrap(Base64.getDecoder().decode(inner.textValue()));
                        case "$float":
                            return switch (inner.textValue()) {
                                case "nan" -> Double.NaN;
                                case "inf" -> Double.POSITIVE_INFINITY;
                                case "-inf" -> Double.NEGATIVE_INFINITY;
                                default -> throw new IllegalStateException("bad $float tag at '" + path
                                        + "': " + inner);
                            };
                        case "$map":
                            return decodeMap(inner, path);
                        default:
                            if (tag.startsWith("$")) {
                                throw new IllegalStateException("unknown tag " + tag + " at '" + path + "'");
                            }
                    }
                }
                return decodeMap(node, path);
            }
            default:
                throw new IllegalStateException("unexpected JSON " + node.getNodeType() + " at '" + path + "'");
        }
    }

    private static Map<String, Object> decodeMap(JsonNode node, String path) {
        Map<String, Object> out = new LinkedHashMap<>();
        Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> e = fields.next();
            out.put(e.getKey(), decodeValue(e.getValue(), path + "." + e.getKey()));
        }
        return Collections.unmodifiableMap(out);
    }

    private static ObjectNode tag(String tag, JsonNode inner) {
        ObjectNode node = F.objectNode();
        node.set(tag, inner);
        return node;
    }
}
