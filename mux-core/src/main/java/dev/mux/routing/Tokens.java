package dev.mux.routing;

import java.security.Principal;
import java.util.Locale;
import java.util.Optional;

/** The shared steps of the token authenticators. Stateless and thread-safe. */
final class Tokens {

    private Tokens() {
    }

    static Authentication authenticate(String token, TokenVerifier verifier, String where) {
        if (token == null || token.isEmpty()) {
            return Authentication.refuse("no token in the " + where);
        }
        Optional<? extends Principal> user = verifier.verify(token);
        if (user == null) {
            throw new IllegalStateException("the token verifier returned null instead of an Optional");
        }
        // Never the token itself in the reason: reasons are logged.
        return user.<Authentication>map(Authentication::user)
                .orElseGet(() -> Authentication.refuse("unknown token in the " + where));
    }

    /** The token of an {@code Authorization: Bearer} header, or null for another scheme. */
    static String bearer(String header) {
        if (header == null) {
            return null;
        }
        String value = header.trim();
        int space = value.indexOf(' ');
        if (space < 0 || !value.substring(0, space).toLowerCase(Locale.ROOT).equals("bearer")) {
            return null;
        }
        return value.substring(space + 1).trim();
    }
}
