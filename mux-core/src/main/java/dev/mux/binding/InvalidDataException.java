package dev.mux.binding;

import dev.mux.MuxException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Data a binding's model cannot accept, with an error list per field; the client gets it as a
 * status 400 reply {@code "errors": [{"field": ["message", ...]}]}, as Django REST Framework
 * reports validation errors.
 *
 * <p>A {@link BindingStore} throws it for constraints only the storage knows (a unique name, a
 * missing parent). Instances are immutable and thread-safe.
 */
public class InvalidDataException extends MuxException {
    private static final long serialVersionUID = 1L;

    /** The key of errors that concern the whole instance rather than one field (DRF's name). */
    public static final String NON_FIELD_ERRORS = "non_field_errors";

    private final transient Map<String, List<String>> fieldErrors;

    /**
     * Creates an exception from field errors.
     *
     * @param fieldErrors field names to their messages; not empty
     * @throws IllegalArgumentException if {@code fieldErrors} is empty or a list is empty
     */
    public InvalidDataException(Map<String, List<String>> fieldErrors) {
        super("invalid data: " + Objects.requireNonNull(fieldErrors, "fieldErrors must not be null"));
        if (fieldErrors.isEmpty()) {
            throw new IllegalArgumentException("fieldErrors must not be empty");
        }
        Map<String, List<String>> copy = new LinkedHashMap<>();
        fieldErrors.forEach((field, messages) -> {
            Objects.requireNonNull(field, "fieldErrors must not have a null field name");
            if (messages == null || messages.isEmpty()) {
                throw new IllegalArgumentException("fieldErrors['" + field + "'] must hold at least one message");
            }
            copy.put(field, List.copyOf(messages));
        });
        this.fieldErrors = java.util.Collections.unmodifiableMap(copy);
    }

    /**
     * Creates an exception for one field.
     *
     * @param field   the field name, or {@link #NON_FIELD_ERRORS}
     * @param message what is wrong with it
     */
    public InvalidDataException(String field, String message) {
        this(Map.of(Objects.requireNonNull(field, "field must not be null"),
                List.of(Objects.requireNonNull(message, "message must not be null"))));
    }

    /**
     * Returns the errors per field.
     *
     * @return an unmodifiable map of field names to messages, in the order given
     */
    public Map<String, List<String>> fieldErrors() {
        return fieldErrors;
    }
}
