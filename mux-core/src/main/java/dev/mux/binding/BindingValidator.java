package dev.mux.binding;

import java.util.List;
import java.util.Map;

/**
 * Checks an instance built from a client's data before the store sees it.
 *
 * <pre>{@code
 * BindingValidator<ChatMessage> validator = (m, action) -> m.text() == null || m.text().isBlank()
 *         ? Map.of("text", List.of("This field may not be blank."))
 *         : Map.of();
 * }</pre>
 *
 * <p><b>Threading:</b> called on the thread of the connection that sent the request; must be
 * thread-safe.
 *
 * @param <T> the model type
 */
@FunctionalInterface
public interface BindingValidator<T> {

    /**
     * Checks an instance.
     *
     * @param instance the instance about to be created or updated
     * @param action   {@link Action#CREATE} or {@link Action#UPDATE}
     * @return field names to their error messages ({@link InvalidDataException#NON_FIELD_ERRORS}
     *         for errors of the whole instance); empty when valid, never {@code null}
     */
    Map<String, List<String>> validate(T instance, Action action);
}
