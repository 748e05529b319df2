package dev.mux.binding;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mux.demux.StreamConsumer;
import dev.mux.demux.StreamFrames;
import dev.mux.demux.StreamHandle;
import dev.mux.internal.Json;
import dev.mux.layer.ChannelLayer;
import dev.mux.layer.ChannelNames;
import dev.mux.layer.GroupSendResult;
import java.io.IOException;
import java.security.Principal;
import java.time.temporal.Temporal;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ties a model type to a stream of a {@link dev.mux.demux.Demultiplexer}: clients create, update
 * and delete instances through the stream, and every change — made through the binding or
 * {@linkplain #saved(Object) reported by the application} — is broadcast to the groups the
 * instance belongs to. This is Channels 1.x's {@code WebsocketBinding}, with Django REST
 * Framework–style replies and error statuses.
 *
 * <pre>{@code
 * Binding<ChatMessage> messages = Binding.builder(ChatMessage.class)
 *     .stream("message-stream").model("board.message").allFields()
 *     .store(store).groups(m -> Set.of("message-update"))
 *     .permission(BindingPermission.authenticated())  // without it every write is denied
 *     .build();
 * Supplier<Demultiplexer> demux = () -> Demultiplexer.of(Map.of("message-stream", messages))
 *     .connectionGroups("message-update");
 * }</pre>
 *
 * <h2>Inbound</h2>
 * A payload {@code {"action": "create"|"update"|"delete", "pk": ..., "data": {...}}} on the
 * binding's stream runs the action: the permission is checked, then the data (only
 * {@linkplain Builder#fields selected} fields are written; the pk never is; a name that is no
 * property of the model is an error), then the {@link BindingStore}. Without a
 * {@code request_id} a success is not answered (Channels 1.x): the client sees the change in the
 * broadcast. With one, the client gets, in the stream envelope,
 * {@code {"action", "data", "errors": [], "response_status": 201|200|204, "request_id"}}, where
 * {@code data} holds the selected fields and the pk ({@code null} after a delete). Every
 * failure is answered in the same shape, with or without {@code request_id}:
 * <table>
 *   <caption>Error statuses</caption>
 *   <tr><td>400</td><td>missing or mistyped pk, missing data, unknown field, a value of the
 *       wrong type, a {@link BindingValidator} or {@link InvalidDataException} error; the errors
 *       are {@code [{"field": ["message"]}]}</td></tr>
 *   <tr><td>403</td><td>the {@link BindingPermission} denied the action; nothing changed</td></tr>
 *   <tr><td>404</td><td>no instance has the pk</td></tr>
 *   <tr><td>405</td><td>no action, or an action other than create, update and delete</td></tr>
 *   <tr><td>500</td><td>the store, permission, validator or group function threw; logged with
 *       the connection id</td></tr>
 * </table>
 *
 * <h2>Outbound</h2>
 * A change is sent as {@code {"stream": s, "payload": {"action", "pk", "data", "model"}}}, with
 * {@code data} holding the selected fields without the pk (dates as ISO-8601 strings, the pk as
 * a number or string as Jackson writes it). The instance's groups before and after the change
 * are compared: DELETE goes to the groups it left, UPDATE to those it stayed in, CREATE to those
 * it joined. The groups before a change made through the binding come from the instance as the
 * store held it; for changes the application reports, from the groups this binding last
 * broadcast for that pk (see {@link #saved(Object)}). Frames reach group members through the
 * channel layer, so changes made in one process reach sockets served by another.
 *
 * <h2>Layer</h2>
 * A binding sends through the channel layer set with {@link Builder#layer}, or else the layer of
 * the first demultiplexer connection that uses it. A binding serves one layer.
 *
 * <p><b>Threading:</b> thread-safe. Inbound actions run on the thread of the connection that sent
 * them, one at a time per connection and in parallel across connections; {@link #saved},
 * {@link #deleted} and the other methods may be called from any thread.
 *
 * @param <T> the model type: a record or a POJO that the binding's Jackson mapper reads and writes
 */
public final class Binding<T> implements StreamConsumer {

    /** The {@code fields} value that selects every field, as in Django. */
    public static final String ALL_FIELDS = "__all__";

    /** The primary-key property used unless {@link Builder#pkField} names another. */
    public static final String DEFAULT_PK_FIELD = "id";

    static final String DENIED = "You do not have permission to perform this action.";
    static final String NOT_FOUND = "Not found.";
    static final String NO_ACTION = "Unable to find action in message body.";
    static final String REQUIRED = "This field is required.";
    static final String NOT_AN_OBJECT = "Expected a JSON object.";
    static final String UNKNOWN_FIELD = "Unknown field.";
    static final String INTERNAL_ERROR = "Internal server error.";

    private static final Logger log = LoggerFactory.getLogger(Binding.class);
    private static final Pattern MODEL_LABEL = Pattern.compile("[A-Za-z0-9_]+\\.[A-Za-z0-9_]+");
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final Class<T> type;
    private final String stream;
    private final String model;
    private final String pkField;
    private final FieldSelection fields;
    private final BindingStore<T> store;
    private final Function<? super T, ? extends Collection<String>> groups;
    private final BindingPermission permission;
    private final BindingValidator<? super T> validator;
    private final ObjectMapper mapper;
    private final ObjectReader reader;
    private final AtomicReference<ChannelLayer> layer;
    /** The groups last broadcast per pk, so a change the application reports knows where it was. */
    private final ConcurrentHashMap<Object, Set<String>> lastGroups = new ConcurrentHashMap<>();
    /** One instance per distinct group set: most instances share a handful of sets. */
    private final ConcurrentHashMap<Set<String>, Set<String>> sharedGroups = new ConcurrentHashMap<>();

    private Binding(Builder<T> b, FieldSelection fields) {
        this.type = b.type;
        this.stream = b.stream;
        this.model = b.model;
        this.pkField = b.pkField;
        this.fields = fields;
        this.store = b.store;
        this.groups = b.groups;
        this.permission = b.permission;
        this.validator = b.validator;
        this.mapper = b.mapper;
        // Computed properties (getters without setters) appear in an instance's tree; reading it
        // back must not fail on them. A JSON null for a primitive is a client error, not a 0.
        this.reader = b.mapper.readerFor(b.type)
                .without(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .with(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);
        this.layer = new AtomicReference<>(b.layer);
    }

    /**
     * Starts a builder for a model type.
     *
     * @param type the model class
     * @param <T>  the model type
     * @return a new builder
     */
    public static <T> Builder<T> builder(Class<T> type) {
        return new Builder<>(type);
    }

    /**
     * Returns the model class.
     *
     * @return the class given to {@link #builder}
     */
    public Class<T> type() {
        return type;
    }

    /**
     * Returns the stream this binding listens and broadcasts on.
     *
     * @return the stream name
     */
    public String stream() {
        return stream;
    }

    /**
     * Returns the model label sent as {@code "model"} in broadcasts.
     *
     * @return a label of the form {@code app.model}
     */
    public String model() {
        return model;
    }

    /**
     * Returns the name of the primary-key property.
     *
     * @return the pk property, {@value #DEFAULT_PK_FIELD} unless set
     */
    public String pkField() {
        return pkField;
    }

    /**
     * Returns the fields that go into {@code data} and that clients may write, in order.
     *
     * @return an unmodifiable list, never containing the pk property
     */
    public List<String> fields() {
        return fields.selected();
    }

    /**
     * Returns the channel layer this binding broadcasts through.
     *
     * @return the layer set on the builder or attached by the first connection, or empty if neither
     */
    public Optional<ChannelLayer> layer() {
        return Optional.ofNullable(layer.get());
    }

    /**
     * Returns the groups that hear about an instance.
     *
     * @param instance an instance
     * @return the group names, sorted and unmodifiable
     * @throws IllegalArgumentException if the group function returned {@code null} or an invalid
     *                                  group name
     */
    public Set<String> groupNames(T instance) {
        Objects.requireNonNull(instance, "instance must not be null");
        Collection<String> names = groups.apply(instance);
        if (names == null) {
            throw new IllegalArgumentException("the group function of binding '" + stream + "' returned null");
        }
        TreeSet<String> out = new TreeSet<>();
        for (String name : names) {
            if (name == null || !ChannelNames.isValidGroup(name)) {
                throw new IllegalArgumentException("the group function of binding '" + stream
                        + "' returned an invalid group name: " + (name == null ? "null" : "'" + name + "'"));
            }
            out.add(name);
        }
        return Collections.unmodifiableSet(out);
    }

    /**
     * Tells whether a user may perform an action, by the binding's {@link BindingPermission}.
     *
     * @param principal the user, or {@code null} if anonymous
     * @param action    the action
     * @param pk        the primary key, or {@code null} for create
     * @return {@code true} if allowed
     */
    public boolean hasPermission(Principal principal, Action action, Object pk) {
        return permission.hasPermission(principal, Objects.requireNonNull(action, "action must not be null"), pk);
    }

    /**
     * Serializes an instance as broadcasts carry it: the selected fields, without the pk.
     *
     * @param instance an instance
     * @return a new object node
     */
    public ObjectNode data(T instance) {
        Objects.requireNonNull(instance, "instance must not be null");
        return select(tree(instance), false);
    }

    /**
     * Broadcasts a change the application made outside the binding (a REST handler, a batch
     * job), as if it had come through the stream.
     *
     * <p>The groups the instance was in before are the ones this binding last broadcast for its
     * pk. If it has broadcast nothing for that pk since it was built, the instance counts as new
     * and every group it is in hears CREATE; clients should treat a CREATE of a pk they already
     * hold as a replacement. When an instance may have existed (and moved between groups) before
     * this binding knew it, pass its previous state to {@link #saved(Object, Object)} instead.
     * Remembering costs one map entry per pk broadcast (dropped when the instance is deleted);
     * equal group sets are shared.
     *
     * @param instance the instance as stored now
     * @return a stage with the total of the group sends
     * @throws IllegalStateException    if no channel layer is known yet (set {@link Builder#layer})
     * @throws IllegalArgumentException if the group function misbehaves
     */
    public CompletionStage<GroupSendResult> saved(T instance) {
        Objects.requireNonNull(instance, "instance must not be null");
        ObjectNode tree = tree(instance);
        Set<String> before = lastGroups.getOrDefault(pkKey(tree, instance), Set.of());
        return publish(tree, before, groupNames(instance), false);
    }

    /**
     * Broadcasts a change the application made outside the binding, knowing the previous state.
     *
     * @param before the instance before the change, or {@code null} if it was created
     * @param after  the instance as stored now
     * @return a stage with the total of the group sends
     * @throws IllegalStateException    if no channel layer is known yet
     * @throws IllegalArgumentException if the group function misbehaves
     */
    public CompletionStage<GroupSendResult> saved(T before, T after) {
        Objects.requireNonNull(after, "after must not be null");
        Set<String> old = before == null ? Set.of() : groupNames(before);
        return publish(tree(after), old, groupNames(after), false);
    }

    /**
     * Broadcasts that the application deleted an instance: DELETE, with the instance's last
     * data, to every group it was in — the groups it is in now and those this binding last
     * broadcast for its pk.
     *
     * @param instance the instance as it was before deletion
     * @return a stage with the total of the group sends
     * @throws IllegalStateException    if no channel layer is known yet
     * @throws IllegalArgumentException if the group function misbehaves
     */
    public CompletionStage<GroupSendResult> deleted(T instance) {
        Objects.requireNonNull(instance, "instance must not be null");
        ObjectNode tree = tree(instance);
        Set<String> was = new TreeSet<>(groupNames(instance));
        was.addAll(lastGroups.getOrDefault(pkKey(tree, instance), Set.of()));
        return publish(tree, was, Set.of(), true);
    }

    /**
     * Attaches the connection's channel layer if none is set yet.
     *
     * @param stream this binding's handle on the new connection
     * @throws IllegalStateException if the binding already broadcasts through another layer
     */
    @Override
    public void onConnect(StreamHandle stream) {
        ChannelLayer theirs = stream.channelLayer();
        ChannelLayer ours = layer.updateAndGet(current -> current == null ? theirs : current);
        if (ours != theirs) {
            throw new IllegalStateException("binding '" + this.stream + "' broadcasts through " + ours
                    + " but connection " + stream.connectionId() + " uses " + theirs + "; a binding serves one layer");
        }
    }

    /**
     * Runs an inbound action and answers as the class documentation describes.
     *
     * @param stream  this binding's handle on the connection the frame came from
     * @param payload {@code {"action", "pk", "data", "request_id"}}
     */
    @Override
    public void onPayload(StreamHandle stream, ObjectNode payload) {
        JsonNode requestId = payload.get("request_id");
        if (requestId != null && requestId.isNull()) {
            requestId = null; // an explicit null asks for no reply, like an absent id
        }
        JsonNode actionNode = payload.get("action");
        if (actionNode == null || actionNode.isNull()) {
            stream.send(reply(null, requestId, 405, null, errors(NO_ACTION)));
            return;
        }
        Optional<Action> parsed = actionNode.isTextual() ? Action.fromWireName(actionNode.textValue()) : Optional.empty();
        if (parsed.isEmpty()) {
            String shown = actionNode.isTextual() ? actionNode.textValue() : actionNode.toString();
            stream.send(reply(actionNode, requestId, 405, null, errors("Method \"" + shown + "\" not allowed.")));
            return;
        }
        Action action = parsed.get();
        Outcome outcome;
        try {
            outcome = switch (action) {
                case CREATE -> create(stream, payload);
                case UPDATE -> update(stream, payload);
                case DELETE -> delete(stream, payload);
            };
        } catch (Rejection r) {
            log.debug("{} stream '{}': {} rejected with {}", stream.connectionId(), this.stream, action.wireName(),
                    r.status);
            stream.send(reply(actionNode, requestId, r.status, null, r.errors));
            return;
        } catch (RuntimeException e) {
            log.error("{} stream '{}': {} failed", stream.connectionId(), this.stream, action.wireName(), e);
            stream.send(reply(actionNode, requestId, 500, null, errors(INTERNAL_ERROR)));
            return;
        }
        if (requestId != null) {
            stream.send(reply(actionNode, requestId, outcome.status, outcome.replyData, NODES.arrayNode()));
        }
        try {
            @SuppressWarnings("unchecked")
            Set<String> after = outcome.now == null ? Set.of() : groupNames((T) outcome.now);
            publish(outcome.tree, outcome.before, after, action == Action.DELETE)
                    .whenComplete((result, failure) -> {
                        if (failure != null) {
                            log.error("{} stream '{}': broadcast of {} failed", stream.connectionId(), this.stream,
                                    action.wireName(), failure);
                        }
                    });
        } catch (RuntimeException e) {
            // The change is stored and was answered; only the broadcast is lost, so say so loudly.
            log.error("{} stream '{}': broadcast of {} failed", stream.connectionId(), this.stream,
                    action.wireName(), e);
        }
    }

    @Override
    public String toString() {
        return "Binding[stream=" + stream + ", model=" + model + "]";
    }

    // ---- inbound actions ----

    /** A stored change: what to answer and what to broadcast. */
    private record Outcome(int status, JsonNode replyData, ObjectNode tree, Set<String> before, Object now) {
    }

    /** A request answered with an error status; carries no stack trace, it is not a failure. */
    private static final class Rejection extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final int status;
        final transient ArrayNode errors;

        Rejection(int status, ArrayNode errors) {
            super(null, null, false, false);
            this.status = status;
            this.errors = errors;
        }
    }

    private Outcome create(StreamHandle stream, ObjectNode payload) {
        checkPermission(stream, Action.CREATE, null);
        ObjectNode input = writable(requireData(payload));
        T candidate = read(input);
        validate(candidate, Action.CREATE);
        T stored = store(() -> store.create(candidate));
        if (stored == null) {
            throw new IllegalStateException("the store of binding '" + this.stream + "' returned null from create");
        }
        ObjectNode tree = tree(stored);
        pkKey(tree, stored);
        return new Outcome(201, select(tree, true), tree, Set.of(), stored);
    }

    private Outcome update(StreamHandle stream, ObjectNode payload) {
        Object pk = requirePk(payload);
        checkPermission(stream, Action.UPDATE, pk);
        T old = store.find(pk).orElseThrow(() -> new Rejection(404, errors(NOT_FOUND)));
        ObjectNode input = writable(requireData(payload));
        ObjectNode merged = tree(old);
        Set<String> before = groupNames(old);
        merged.setAll(input);
        T candidate = read(merged);
        validate(candidate, Action.UPDATE);
        Optional<T> stored = store(() -> store.update(candidate));
        if (stored == null) {
            throw new IllegalStateException("the store of binding '" + this.stream + "' returned null from update");
        }
        T now = stored.orElseThrow(() -> new Rejection(404, errors(NOT_FOUND)));
        ObjectNode tree = tree(now);
        return new Outcome(200, select(tree, true), tree, before, now);
    }

    private Outcome delete(StreamHandle stream, ObjectNode payload) {
        Object pk = requirePk(payload);
        checkPermission(stream, Action.DELETE, pk);
        T old = store.find(pk).orElseThrow(() -> new Rejection(404, errors(NOT_FOUND)));
        ObjectNode tree = tree(old);
        Set<String> before = groupNames(old);
        if (!store.delete(old)) {
            throw new Rejection(404, errors(NOT_FOUND));
        }
        return new Outcome(204, NODES.nullNode(), tree, before, null);
    }

    private void checkPermission(StreamHandle stream, Action action, Object pk) {
        if (!permission.hasPermission(stream.principal(), action, pk)) {
            throw new Rejection(403, errors(DENIED));
        }
    }

    private Object requirePk(ObjectNode payload) {
        JsonNode pk = payload.get("pk");
        if (pk == null || pk.isNull()) {
            throw new Rejection(400, fieldErrors(Map.of("pk", List.of(REQUIRED))));
        }
        JavaType pkType = fields.pkType();
        try {
            Object value = mapper.convertValue(pk, pkType);
            if (value == null) {
                throw new IllegalArgumentException("null");
            }
            return value;
        } catch (IllegalArgumentException e) {
            throw new Rejection(400, fieldErrors(Map.of("pk", List.of("Invalid pk " + pk + ": expected "
                    + describe(pkType.getRawClass()) + "."))));
        }
    }

    private static ObjectNode requireData(ObjectNode payload) {
        JsonNode data = payload.get("data");
        if (data == null || data.isNull()) {
            throw new Rejection(400, fieldErrors(Map.of("data", List.of(REQUIRED))));
        }
        if (!data.isObject()) {
            throw new Rejection(400, fieldErrors(Map.of("data", List.of(NOT_AN_OBJECT))));
        }
        return (ObjectNode) data;
    }

    /**
     * Keeps the fields a client may write. A name that is no property of the model is an error
     * (a typo should not vanish); a property that is not selected, the pk included, is ignored,
     * as Channels ignores it.
     */
    private ObjectNode writable(ObjectNode data) {
        ObjectNode out = NODES.objectNode();
        Map<String, List<String>> unknown = new LinkedHashMap<>();
        Iterator<Map.Entry<String, JsonNode>> it = data.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            if (fields.isWritable(e.getKey())) {
                out.set(e.getKey(), e.getValue());
            } else if (!fields.isKnown(e.getKey())) {
                unknown.put(e.getKey(), List.of(UNKNOWN_FIELD));
            }
        }
        if (!unknown.isEmpty()) {
            throw new Rejection(400, fieldErrors(unknown));
        }
        return out;
    }

    private T read(ObjectNode tree) {
        try {
            return reader.readValue(tree);
        } catch (ValueInstantiationException e) {
            // The model's constructor refused the values: its IllegalArgumentException is meant
            // for people; anything else is a bug whose text the client should not see.
            Throwable cause = e.getCause();
            String message = cause instanceof IllegalArgumentException && cause.getMessage() != null
                    ? cause.getMessage() : "Invalid data.";
            throw new Rejection(400, fieldErrors(Map.of(InvalidDataException.NON_FIELD_ERRORS, List.of(message))));
        } catch (JsonMappingException e) {
            String field = fieldOf(e);
            String message = e instanceof MismatchedInputException m && m.getTargetType() != null
                    ? "Invalid value: expected " + describe(m.getTargetType()) + "."
                    : "Invalid value.";
            throw new Rejection(400, fieldErrors(Map.of(field, List.of(message))));
        } catch (IOException e) {
            throw new Rejection(400, fieldErrors(Map.of(InvalidDataException.NON_FIELD_ERRORS,
                    List.of("Invalid data."))));
        }
    }

    private static String fieldOf(JsonMappingException e) {
        for (JsonMappingException.Reference ref : e.getPath()) {
            if (ref.getFieldName() != null) {
                return ref.getFieldName();
            }
        }
        return InvalidDataException.NON_FIELD_ERRORS;
    }

    private void validate(T candidate, Action action) {
        if (validator == null) {
            return;
        }
        Map<String, List<String>> problems = validator.validate(candidate, action);
        if (problems == null) {
            throw new IllegalStateException("the validator of binding '" + stream + "' returned null");
        }
        if (!problems.isEmpty()) {
            throw new Rejection(400, fieldErrors(problems));
        }
    }

    private static <R> R store(java.util.function.Supplier<R> call) {
        try {
            return call.get();
        } catch (InvalidDataException e) {
            throw new Rejection(400, fieldErrors(e.fieldErrors()));
        }
    }

    // ---- serialization and broadcast ----

    private ObjectNode tree(T instance) {
        JsonNode node = mapper.valueToTree(instance);
        if (!(node instanceof ObjectNode object)) {
            throw new IllegalArgumentException("binding '" + stream + "' cannot write " + type.getName()
                    + " as a JSON object (got " + node.getNodeType() + ")");
        }
        return object;
    }

    /** The selected fields of a tree, with the pk first when asked (replies carry it, broadcasts not). */
    private ObjectNode select(ObjectNode tree, boolean withPk) {
        ObjectNode data = NODES.objectNode();
        if (withPk) {
            data.set(pkField, tree.get(pkField));
        }
        for (String field : fields.selected()) {
            JsonNode value = tree.get(field);
            if (value != null) {
                data.set(field, value);
            }
        }
        return data;
    }

    /** A pk in a form that compares equal whether it arrived as an int, a long or a string. */
    private Object pkKey(ObjectNode tree, Object instance) {
        JsonNode pk = tree.get(pkField);
        if (pk == null || pk.isNull()) {
            throw new IllegalArgumentException("binding '" + stream + "': instance has no " + pkField + ": " + instance);
        }
        if (pk.isIntegralNumber()) {
            return pk.bigIntegerValue();
        }
        return pk.isTextual() ? pk.textValue() : pk.toString();
    }

    private CompletionStage<GroupSendResult> publish(ObjectNode tree, Set<String> before, Set<String> after,
                                                     boolean deleted) {
        ChannelLayer target = layer.get();
        if (target == null) {
            throw new IllegalStateException("binding '" + stream + "' has no channel layer yet: set one with"
                    + " Binding.Builder.layer(..), or report changes only after a demultiplexer using it connected");
        }
        Object key = pkKey(tree, tree);
        if (deleted) {
            lastGroups.remove(key);
        } else {
            lastGroups.put(key, sharedGroups.computeIfAbsent(after, g -> g));
        }
        GroupDiff diff = GroupDiff.of(before, after);
        if (diff.isEmpty()) {
            return CompletableFuture.completedFuture(GroupSendResult.EMPTY);
        }
        JsonNode pk = tree.get(pkField);
        ObjectNode data = select(tree, false);
        List<CompletionStage<GroupSendResult>> sends = new ArrayList<>();
        send(target, diff.left(), Action.DELETE, pk, data, sends);
        send(target, diff.stayed(), Action.UPDATE, pk, data, sends);
        send(target, diff.joined(), Action.CREATE, pk, data, sends);
        CompletableFuture<GroupSendResult> total = CompletableFuture.completedFuture(GroupSendResult.EMPTY);
        for (CompletionStage<GroupSendResult> s : sends) {
            total = total.thenCombine(s, GroupSendResult::plus);
        }
        return total;
    }

    private void send(ChannelLayer target, Set<String> groupSet, Action action, JsonNode pk, ObjectNode data,
                      List<CompletionStage<GroupSendResult>> sends) {
        if (groupSet.isEmpty()) {
            return;
        }
        ObjectNode payload = NODES.objectNode();
        payload.put("action", action.wireName());
        payload.set("pk", pk);
        payload.set("data", data);
        payload.put("model", model);
        String text;
        try {
            text = mapper.writeValueAsString(StreamFrames.envelope(stream, payload));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("binding '" + stream + "' cannot write a broadcast frame", e);
        }
        for (String group : groupSet) {
            sends.add(target.groupSend(group, StreamFrames.layerMessage(text)));
        }
    }

    // ---- replies ----

    private static ObjectNode reply(JsonNode action, JsonNode requestId, int status, JsonNode data, ArrayNode errors) {
        ObjectNode r = NODES.objectNode();
        r.set("action", action == null ? NODES.nullNode() : action);
        r.set("data", data == null ? NODES.nullNode() : data);
        r.set("errors", errors);
        r.put("response_status", status);
        r.set("request_id", requestId == null ? NODES.nullNode() : requestId);
        return r;
    }

    private static ArrayNode errors(String message) {
        return NODES.arrayNode().add(message);
    }

    /** Field errors as Django REST Framework reports them: a list holding one object. */
    private static ArrayNode fieldErrors(Map<String, List<String>> errors) {
        ObjectNode byField = NODES.objectNode();
        // putArray, not withArray: withArray reads a name starting with "/" as a JSON Pointer, and
        // field names here come from clients.
        errors.forEach((field, messages) -> {
            ArrayNode list = byField.putArray(field);
            messages.forEach(list::add);
        });
        return NODES.arrayNode().add(byField);
    }

    private static String describe(Class<?> type) {
        if (type == String.class || type == Character.class || type == char.class) {
            return "a string";
        }
        if (type == Integer.class || type == int.class || type == Long.class || type == long.class
                || type == Short.class || type == short.class || type == Byte.class || type == byte.class
                || type == java.math.BigInteger.class) {
            return "an integer";
        }
        if (Number.class.isAssignableFrom(type) || type == double.class || type == float.class) {
            return "a number";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "a boolean";
        }
        if (Temporal.class.isAssignableFrom(type) || type == java.util.Date.class) {
            return "an ISO-8601 " + type.getSimpleName();
        }
        if (type == java.util.UUID.class) {
            return "a UUID";
        }
        if (type.isEnum()) {
            List<String> names = new ArrayList<>();
            for (Object constant : type.getEnumConstants()) {
                names.add(((Enum<?>) constant).name());
            }
            return "one of " + names;
        }
        if (Collection.class.isAssignableFrom(type) || type.isArray()) {
            return "a list";
        }
        return "a " + type.getSimpleName();
    }

    /**
     * Builds a {@link Binding}; every setting is checked when {@link #build()} runs, so a misspelt
     * field or a missing policy fails at start-up rather than at the first frame.
     *
     * <p>Required: {@link #stream}, {@link #model}, one of {@link #fields}, {@link #allFields()}
     * or {@link #exclude}, {@link #store}, {@link #groups}, {@link #permission}. Not thread-safe.
     *
     * @param <T> the model type
     */
    public static final class Builder<T> {
        private final Class<T> type;
        private String stream;
        private String model;
        private String pkField = DEFAULT_PK_FIELD;
        private FieldSelection.Mode mode;
        private List<String> names = List.of();
        private BindingStore<T> store;
        private Function<? super T, ? extends Collection<String>> groups;
        private BindingPermission permission = BindingPermission.denyAll();
        private BindingValidator<? super T> validator;
        private ObjectMapper mapper = Json.mapper();
        private ChannelLayer layer;

        private Builder(Class<T> type) {
            this.type = Objects.requireNonNull(type, "type must not be null");
        }

        /**
         * Sets the stream name this binding is mapped to in demultiplexers.
         *
         * @param stream a non-blank name, for example {@code "message-stream"}
         * @return this builder
         */
        public Builder<T> stream(String stream) {
            Objects.requireNonNull(stream, "stream must not be null");
            if (stream.isBlank()) {
                throw new IllegalArgumentException("stream must not be blank, was '" + stream + "'");
            }
            this.stream = stream;
            return this;
        }

        /**
         * Sets the model label sent as {@code "model"} in broadcasts.
         *
         * @param model {@code app.model}, letters, digits and underscores on each side of the dot,
         *              for example {@code "board.message"}
         * @return this builder
         */
        public Builder<T> model(String model) {
            Objects.requireNonNull(model, "model must not be null");
            if (!MODEL_LABEL.matcher(model).matches()) {
                throw new IllegalArgumentException("model must be a label of the form app.model, was '" + model + "'");
            }
            this.model = model;
            return this;
        }

        /**
         * Selects the fields that are broadcast and that clients may write.
         *
         * @param fields property names, or the single name {@value Binding#ALL_FIELDS}
         * @return this builder
         * @throws IllegalArgumentException if empty, or {@value Binding#ALL_FIELDS} is mixed with
         *                                  other names
         * @throws IllegalStateException    if fields were already chosen
         */
        public Builder<T> fields(String... fields) {
            List<String> list = names("fields", fields);
            if (list.contains(ALL_FIELDS)) {
                if (list.size() > 1) {
                    throw new IllegalArgumentException("fields: '" + ALL_FIELDS + "' stands alone, got " + list);
                }
                return choose(FieldSelection.Mode.ALL, List.of());
            }
            return choose(FieldSelection.Mode.FIELDS, list);
        }

        /**
         * Selects every readable property of the model (Django's {@code fields = "__all__"}).
         *
         * @return this builder
         * @throws IllegalStateException if fields were already chosen
         */
        public Builder<T> allFields() {
            return choose(FieldSelection.Mode.ALL, List.of());
        }

        /**
         * Selects every readable property of the model except the ones named.
         *
         * @param fields property names to leave out
         * @return this builder
         * @throws IllegalArgumentException if empty
         * @throws IllegalStateException    if fields were already chosen
         */
        public Builder<T> exclude(String... fields) {
            List<String> list = names("exclude", fields);
            if (list.contains(ALL_FIELDS)) {
                throw new IllegalArgumentException("exclude cannot name '" + ALL_FIELDS + "'");
            }
            return choose(FieldSelection.Mode.EXCLUDE, list);
        }

        /**
         * Names the primary-key property; the default is {@value Binding#DEFAULT_PK_FIELD}.
         *
         * @param pkField a readable property of the model
         * @return this builder
         */
        public Builder<T> pkField(String pkField) {
            this.pkField = Objects.requireNonNull(pkField, "pkField must not be null");
            return this;
        }

        /**
         * Sets the application's persistence for the model.
         *
         * @param store the store
         * @return this builder
         */
        public Builder<T> store(BindingStore<T> store) {
            this.store = Objects.requireNonNull(store, "store must not be null");
            return this;
        }

        /**
         * Sets the groups that hear about an instance (Channels' {@code group_names}); usually
         * they match the demultiplexer's connection groups.
         *
         * @param groups a function from an instance to valid group names; called on the thread
         *               of the change, must be thread-safe and must not block
         * @return this builder
         */
        public Builder<T> groups(Function<? super T, ? extends Collection<String>> groups) {
            this.groups = Objects.requireNonNull(groups, "groups must not be null");
            return this;
        }

        /**
         * Sets who may do what through the stream. Without it the binding denies every inbound
         * action (create, update, delete: all writes) with 403 — a binding that forgot its policy
         * only broadcasts, it never lets clients change data.
         *
         * @param permission the policy, for example {@link BindingPermission#authenticated()}
         * @return this builder
         */
        public Builder<T> permission(BindingPermission permission) {
            this.permission = Objects.requireNonNull(permission, "permission must not be null");
            return this;
        }

        /**
         * Sets a check of created and updated instances before they reach the store; optional.
         *
         * @param validator the check
         * @return this builder
         */
        public Builder<T> validator(BindingValidator<? super T> validator) {
            this.validator = Objects.requireNonNull(validator, "validator must not be null");
            return this;
        }

        /**
         * Sets the Jackson mapper that writes instances to JSON and reads client data into them.
         * The default writes {@code java.time} values as ISO-8601 strings; a mapper given here is
         * used as configured (register {@code JavaTimeModule} for dates).
         *
         * @param mapper the mapper; not modified
         * @return this builder
         */
        public Builder<T> mapper(ObjectMapper mapper) {
            this.mapper = Objects.requireNonNull(mapper, "mapper must not be null");
            return this;
        }

        /**
         * Sets the channel layer to broadcast through. Optional: without it, the binding uses
         * the layer of the first demultiplexer connection; set it when the application reports
         * changes from a process, or at a time, without such a connection.
         *
         * @param layer the layer
         * @return this builder
         */
        public Builder<T> layer(ChannelLayer layer) {
            this.layer = Objects.requireNonNull(layer, "layer must not be null");
            return this;
        }

        /**
         * Checks the settings against the model and builds the binding.
         *
         * @return the binding
         * @throws IllegalStateException    if a required setting is missing
         * @throws IllegalArgumentException if a field or the pk is not a property of the model
         */
        public Binding<T> build() {
            String name = stream == null ? type.getSimpleName() : "'" + stream + "'";
            List<String> missing = new ArrayList<>();
            if (stream == null) {
                missing.add("stream(..)");
            }
            if (model == null) {
                missing.add("model(..)");
            }
            if (mode == null) {
                missing.add("fields(..), allFields() or exclude(..)");
            }
            if (store == null) {
                missing.add("store(..)");
            }
            if (groups == null) {
                missing.add("groups(..)");
            }
            if (!missing.isEmpty()) {
                throw new IllegalStateException("binding " + name + " needs " + String.join(", ", missing));
            }
            return new Binding<>(this, FieldSelection.resolve(mapper, type, pkField, mode, names));
        }

        private Builder<T> choose(FieldSelection.Mode chosen, List<String> list) {
            if (mode != null) {
                throw new IllegalStateException("fields were already chosen (" + describeChoice()
                        + "); use one of fields(..), allFields() or exclude(..)");
            }
            this.mode = chosen;
            this.names = list;
            return this;
        }

        private String describeChoice() {
            return switch (mode) {
                case ALL -> "allFields()";
                case FIELDS -> "fields" + names;
                case EXCLUDE -> "exclude" + names;
            };
        }

        private static List<String> names(String what, String[] fields) {
            Objects.requireNonNull(fields, what + " must not be null");
            if (fields.length == 0) {
                throw new IllegalArgumentException(what + " must name at least one field");
            }
            Set<String> out = new LinkedHashSet<>();
            for (String f : fields) {
                if (f == null || f.isBlank()) {
                    throw new IllegalArgumentException(what + " must not contain a null or blank name, got "
                            + java.util.Arrays.toString(fields));
                }
                out.add(f);
            }
            return List.copyOf(out);
        }
    }
}
