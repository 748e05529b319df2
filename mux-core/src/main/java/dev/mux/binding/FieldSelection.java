package dev.mux.binding;

import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.introspect.BeanPropertyDefinition;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The fields of a model a binding shows and accepts, resolved once against the model's Jackson
 * properties so that a misspelt field fails when the binding is built, not when a client sends.
 *
 * <p>Immutable and thread-safe.
 */
final class FieldSelection {

    /** How fields were chosen. */
    enum Mode { ALL, FIELDS, EXCLUDE }

    private final List<String> selected;
    private final Set<String> selectedSet;
    private final Set<String> known;
    private final JavaType pkType;

    private FieldSelection(List<String> selected, Set<String> known, JavaType pkType) {
        this.selected = List.copyOf(selected);
        this.selectedSet = Collections.unmodifiableSet(new LinkedHashSet<>(selected));
        this.known = Collections.unmodifiableSet(known);
        this.pkType = pkType;
    }

    /**
     * Resolves a selection.
     *
     * @param mapper  the mapper whose view of the model counts
     * @param type    the model class
     * @param pkField the name of the primary-key property
     * @param mode    how fields are chosen
     * @param names   the fields listed for {@code FIELDS} or {@code EXCLUDE}
     * @return the selection
     * @throws IllegalArgumentException if the model has no pk property or a name is not a property
     */
    static FieldSelection resolve(ObjectMapper mapper, Class<?> type, String pkField, Mode mode, List<String> names) {
        JavaType javaType = mapper.constructType(type);
        Map<String, BeanPropertyDefinition> readable = new LinkedHashMap<>();
        for (BeanPropertyDefinition p : mapper.getSerializationConfig().introspect(javaType).findProperties()) {
            if (p.couldSerialize()) {
                readable.put(p.getName(), p);
            }
        }
        Set<String> known = new LinkedHashSet<>(readable.keySet());
        for (BeanPropertyDefinition p : mapper.getDeserializationConfig().introspect(javaType).findProperties()) {
            known.add(p.getName());
        }
        BeanPropertyDefinition pk = readable.get(pkField);
        if (pk == null) {
            throw new IllegalArgumentException("pkField '" + pkField + "' is not a readable property of "
                    + type.getName() + "; its properties are " + readable.keySet());
        }
        for (String name : names) {
            if (!known.contains(name)) {
                throw new IllegalArgumentException((mode == Mode.EXCLUDE ? "exclude" : "fields") + " names '" + name
                        + "', which is not a property of " + type.getName() + "; its properties are " + known);
            }
        }
        List<String> selected = new ArrayList<>();
        switch (mode) {
            case ALL -> selected.addAll(readable.keySet());
            case FIELDS -> selected.addAll(new LinkedHashSet<>(names));
            case EXCLUDE -> {
                selected.addAll(readable.keySet());
                selected.removeAll(names);
            }
            default -> throw new AssertionError(mode);
        }
        // The pk travels beside the data ("pk": ...), never inside it, as in Channels.
        selected.remove(pkField);
        return new FieldSelection(selected, known, pk.getPrimaryType());
    }

    /** Returns the fields that go into {@code data}, in order; never the pk. */
    List<String> selected() {
        return selected;
    }

    /** Tells whether a client may write a field: it is selected (and so not the pk). */
    boolean isWritable(String field) {
        return selectedSet.contains(field);
    }

    /** Tells whether a name is any property of the model. */
    boolean isKnown(String field) {
        return known.contains(field);
    }

    /** Returns the Java type of the pk property, which frames' pks are converted to. */
    JavaType pkType() {
        return pkType;
    }
}
