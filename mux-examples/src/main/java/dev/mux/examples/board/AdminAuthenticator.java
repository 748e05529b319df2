package dev.mux.examples.board;

import dev.mux.consumer.Scope;
import dev.mux.routing.Authentication;
import dev.mux.routing.Authenticator;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.Principal;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Signs in the board's admin: a socket opened with {@code ?token=<admin token>} gets the
 * {@link #ADMIN} principal, which {@link MessageBinding#permission()} lets update and delete.
 * Every other socket is anonymous — a wrong token too, so a page with a stale token still
 * chats and posts; only its edits are refused (403).
 *
 * <p>A real application would look the token up in its user store, or keep the container's
 * principal ({@link Authenticator#CONTAINER}).
 *
 * <p><b>Threading:</b> thread-safe; called on the container's handshake threads.
 */
public final class AdminAuthenticator implements Authenticator {
    private static final Logger log = LoggerFactory.getLogger(AdminAuthenticator.class);

    /** The query parameter that carries the token. */
    public static final String TOKEN_PARAMETER = "token";

    /** The principal of the admin. */
    public static final Principal ADMIN = new AdminPrincipal();

    private final byte[] token;

    /**
     * Creates the authenticator.
     *
     * @param adminToken the admin token
     */
    public AdminAuthenticator(String adminToken) {
        this.token = Objects.requireNonNull(adminToken, "adminToken").getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Tells whether a principal is the admin.
     *
     * @param principal a principal, or {@code null}
     * @return {@code true} for {@link #ADMIN}
     */
    public static boolean isAdmin(Principal principal) {
        return principal instanceof AdminPrincipal;
    }

    /**
     * Decides about a handshake: the admin with the right token, anonymous otherwise.
     *
     * @param handshake the handshake
     * @return the admin or anonymous; never a refusal
     */
    @Override
    public Authentication authenticate(Scope handshake) {
        Optional<String> given = handshake.queryParam(TOKEN_PARAMETER);
        if (given.isEmpty()) {
            return Authentication.anonymous();
        }
        // Constant-time comparison: the time taken says nothing about how much of a guess was right.
        if (MessageDigest.isEqual(given.get().getBytes(StandardCharsets.UTF_8), token)) {
            return Authentication.user(ADMIN);
        }
        log.info("{}: a wrong admin token was given; the connection is anonymous", handshake.path());
        return Authentication.anonymous();
    }

    private static final class AdminPrincipal implements Principal {
        @Override
        public String getName() {
            return "admin";
        }

        @Override
        public String toString() {
            return "admin";
        }
    }
}
