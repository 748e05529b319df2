package dev.mux.binding;

import java.security.Principal;

/**
 * Decides whether a user may perform an inbound action on a binding: Channels' {@code
 * has_permission(user, action, pk)}.
 *
 * <p>The default, for a binding built without a policy, is {@link #denyAll()}: every inbound
 * action is a write (create, update, delete), and a silent "allow all" is how clients end up
 * deleting each other's rows. A denied request is answered with status 403 and changes nothing. Outbound broadcasts are not filtered: who hears
 * a change is decided by group membership.
 *
 * <pre>{@code
 * BindingPermission ownerOnly = (user, action, pk) ->
 *         action == Action.CREATE ? user != null : user != null && store.isOwner(pk, user.getName());
 * }</pre>
 *
 * <p><b>Threading:</b> called on the thread of the connection that sent the request, before the
 * store is touched; calls for different connections run in parallel, so implementations must be
 * thread-safe. An exception thrown here is answered with status 500 and logged.
 */
@FunctionalInterface
public interface BindingPermission {

    /**
     * Tells whether a user may perform an action.
     *
     * @param principal the connection's authenticated user, or {@code null} if anonymous
     * @param action    the requested action
     * @param pk        the instance's primary key converted to the pk property's type, or
     *                  {@code null} for {@link Action#CREATE}
     * @return {@code true} to allow
     */
    boolean hasPermission(Principal principal, Action action, Object pk);

    /**
     * Allows every action to everyone, anonymous users included; state it only where that is
     * really meant (a demo, a public board).
     *
     * @return a permission that always allows
     */
    static BindingPermission allowAll() {
        return (principal, action, pk) -> true;
    }

    /**
     * Allows every action to authenticated users and none to anonymous ones.
     *
     * @return a permission that allows when a principal is present
     */
    static BindingPermission authenticated() {
        return (principal, action, pk) -> principal != null;
    }

    /**
     * Denies every inbound action, for bindings that only broadcast changes the application
     * reports itself.
     *
     * @return a permission that never allows
     */
    static BindingPermission denyAll() {
        return (principal, action, pk) -> false;
    }
}
