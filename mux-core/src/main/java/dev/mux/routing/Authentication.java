package dev.mux.routing;

import java.security.Principal;
import java.util.Objects;
import java.util.Optional;

/**
 * What an {@link Authenticator} decided about a handshake: a user, anonymous, or refused.
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class Authentication {

    private static final Authentication ANONYMOUS = new Authentication(null, null);

    private final Principal principal;
    private final String refusal;

    private Authentication(Principal principal, String refusal) {
        this.principal = principal;
        this.refusal = refusal;
    }

    /**
     * Lets the connection in without a principal.
     *
     * @return the decision
     */
    public static Authentication anonymous() {
        return ANONYMOUS;
    }

    /**
     * Lets the connection in as a user; consumers see it as {@code scope().principal()}.
     *
     * @param principal the user
     * @return the decision
     */
    public static Authentication user(Principal principal) {
        return new Authentication(Objects.requireNonNull(principal, "principal must not be null"), null);
    }

    /**
     * Refuses the handshake: the client gets HTTP 403.
     *
     * @param reason why, for the server's log; never sent to the client
     * @return the decision
     */
    public static Authentication refuse(String reason) {
        return new Authentication(null, Objects.requireNonNull(reason, "reason must not be null"));
    }

    /**
     * Tells whether the handshake is refused.
     *
     * @return {@code true} if refused
     */
    public boolean isRefused() {
        return refusal != null;
    }

    /**
     * Returns the authenticated user.
     *
     * @return the principal, or empty for anonymous or refused
     */
    public Optional<Principal> principal() {
        return Optional.ofNullable(principal);
    }

    /**
     * Returns why the handshake was refused.
     *
     * @return the reason, or empty if not refused
     */
    public Optional<String> refusalReason() {
        return Optional.ofNullable(refusal);
    }

    @Override
    public String toString() {
        return refusal != null ? "Authentication[refused: " + refusal + "]"
                : principal != null ? "Authentication[" + principal.getName() + "]" : "Authentication[anonymous]";
    }
}
