package dev.mux.consumer;

import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.Principal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What a consumer knows about its connection: the handshake request, the route parameters and
 * the authenticated principal. Channels calls this the connection's {@code scope}.
 *
 * <ul>
 *   <li>{@link #path()} is the request path relative to the application (the path the routes
 *       matched), {@link #queryString()} the raw query, {@link #queryParams()} the decoded
 *       query parameters;</li>
 *   <li>{@link #headers()} has lower-case names, as in ASGI; {@link #header(String)} looks a
 *       name up in any case; {@link #cookies()} are parsed from the {@code Cookie} header;</li>
 *   <li>{@link #subprotocols()} are the subprotocols the client offered, in its order;</li>
 *   <li>{@link #routeParams()} are the named parts of the matched route, for example
 *       {@code room} for {@code /ws/chat/{room}/};</li>
 *   <li>{@link #principal()} is what the authenticator decided (empty for anonymous);
 *       {@link #remoteAddress()} is the client's address when the container reveals it.</li>
 * </ul>
 *
 * <pre>{@code
 * String room = scope().routeParam("room");
 * Optional<String> token = scope().queryParam("token");
 * String user = scope().principal().map(Principal::getName).orElse("anonymous");
 * }</pre>
 *
 * <p>Instances are immutable and thread-safe; the {@link Builder} is not thread-safe.
 */
public final class Scope {

    private final String path;
    private final String queryString;
    private final Map<String, List<String>> queryParams;
    private final Map<String, List<String>> headers;
    private final Map<String, String> cookies;
    private final List<String> subprotocols;
    private final Map<String, String> routeParams;
    private final InetSocketAddress remoteAddress;
    private final Principal principal;

    private Scope(Builder b) {
        this.path = b.path;
        this.queryString = b.queryString;
        this.queryParams = parseQuery(b.queryString);
        Map<String, List<String>> h = new LinkedHashMap<>();
        b.headers.forEach((name, values) -> h.put(name, List.copyOf(values)));
        this.headers = Collections.unmodifiableMap(h);
        this.cookies = parseCookies(h.getOrDefault("cookie", List.of()));
        this.subprotocols = List.copyOf(b.subprotocols);
        this.routeParams = Collections.unmodifiableMap(new LinkedHashMap<>(b.routeParams));
        this.remoteAddress = b.remoteAddress;
        this.principal = b.principal;
    }

    /**
     * Starts a builder for the given request path.
     *
     * @param path the request path relative to the application, starting with {@code /}
     * @return a new builder
     * @throws IllegalArgumentException if the path does not start with {@code /}
     */
    public static Builder builder(String path) {
        return new Builder(path);
    }

    /**
     * Returns the request path relative to the application, as the routes matched it.
     *
     * @return the decoded path, starting with {@code /}
     */
    public String path() {
        return path;
    }

    /**
     * Returns the raw query string, without the {@code ?}.
     *
     * @return the query string, empty if there was none
     */
    public String queryString() {
        return queryString;
    }

    /**
     * Returns the decoded query parameters.
     *
     * @return an unmodifiable map from name to values in order of appearance
     */
    public Map<String, List<String>> queryParams() {
        return queryParams;
    }

    /**
     * Returns the first value of a query parameter.
     *
     * @param name the parameter name
     * @return the decoded value, or empty if absent
     */
    public Optional<String> queryParam(String name) {
        Objects.requireNonNull(name, "name must not be null");
        List<String> values = queryParams.get(name);
        return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
    }

    /**
     * Returns the request headers.
     *
     * @return an unmodifiable map from lower-case name to values
     */
    public Map<String, List<String>> headers() {
        return headers;
    }

    /**
     * Returns the first value of a request header.
     *
     * @param name the header name, in any case
     * @return the value, or empty if absent
     */
    public Optional<String> header(String name) {
        Objects.requireNonNull(name, "name must not be null");
        List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
        return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
    }

    /**
     * Returns the cookies the client sent.
     *
     * @return an unmodifiable map from cookie name to value; the first of duplicates wins
     */
    public Map<String, String> cookies() {
        return cookies;
    }

    /**
     * Returns the subprotocols the client offered.
     *
     * @return an unmodifiable list in the client's order of preference
     */
    public List<String> subprotocols() {
        return subprotocols;
    }

    /**
     * Returns the named parameters of the matched route.
     *
     * @return an unmodifiable map from parameter name to decoded value
     */
    public Map<String, String> routeParams() {
        return routeParams;
    }

    /**
     * Returns one parameter of the matched route.
     *
     * @param name a parameter the route declares, for example {@code room} for
     *             {@code /ws/chat/{room}/}
     * @return its value
     * @throws IllegalArgumentException if the route has no such parameter; the message lists
     *                                  the parameters it has
     */
    public String routeParam(String name) {
        Objects.requireNonNull(name, "name must not be null");
        String value = routeParams.get(name);
        if (value == null) {
            throw new IllegalArgumentException("route parameter '" + name + "' is not defined for path "
                    + path + "; the route has " + routeParams.keySet());
        }
        return value;
    }

    /**
     * Returns the client's address, when the container reveals it.
     *
     * @return the address, or empty if unknown
     */
    public Optional<InetSocketAddress> remoteAddress() {
        return Optional.ofNullable(remoteAddress);
    }

    /**
     * Returns the principal the authenticator established.
     *
     * @return the principal, or empty for an anonymous connection
     */
    public Optional<Principal> principal() {
        return Optional.ofNullable(principal);
    }

    /**
     * Returns a copy of this scope with other route parameters.
     *
     * @param params the parameters of the matched route
     * @return a new scope
     */
    public Scope withRouteParams(Map<String, String> params) {
        return toBuilder().routeParams(params).build();
    }

    /**
     * Returns a copy of this scope with another principal.
     *
     * @param principal the authenticated principal, or {@code null} for anonymous
     * @return a new scope
     */
    public Scope withPrincipal(Principal principal) {
        return toBuilder().principal(principal).build();
    }

    /**
     * Starts a builder holding this scope's values.
     *
     * @return a new builder
     */
    public Builder toBuilder() {
        Builder b = new Builder(path);
        b.queryString = queryString;
        headers.forEach((name, values) -> b.headers.put(name, new ArrayList<>(values)));
        b.subprotocols.addAll(subprotocols);
        b.routeParams.putAll(routeParams);
        b.remoteAddress = remoteAddress;
        b.principal = principal;
        return b;
    }

    /** Shows the path, route parameters and principal name; never header values or cookies. */
    @Override
    public String toString() {
        return "Scope[path=" + path + ", routeParams=" + routeParams
                + ", principal=" + (principal == null ? "anonymous" : principal.getName()) + "]";
    }

    // ---------------------------------------------------------------------------------------

    private static Map<String, List<String>> parseQuery(String query) {
        if (query.isEmpty()) {
            return Map.of();
        }
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (String pair : query.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = decode(eq < 0 ? pair : pair.substring(0, eq));
            String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
            out.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
        }
        out.replaceAll((k, v) -> List.copyOf(v));
        return Collections.unmodifiableMap(out);
    }

    private static String decode(String s) {
        try {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            // A malformed escape is kept as sent rather than failing the whole handshake.
            return s;
        }
    }

    private static Map<String, String> parseCookies(List<String> cookieHeaders) {
        if (cookieHeaders.isEmpty()) {
            return Map.of();
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (String header : cookieHeaders) {
            for (String part : header.split(";")) {
                int eq = part.indexOf('=');
                if (eq <= 0) {
                    continue;
                }
                String name = part.substring(0, eq).trim();
                String value = part.substring(eq + 1).trim();
                if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
                    value = value.substring(1, value.length() - 1);
                }
                if (!name.isEmpty()) {
                    out.putIfAbsent(name, value);
                }
            }
        }
        return Collections.unmodifiableMap(out);
    }

    /**
     * Builds a {@link Scope}. Transports fill it from the handshake; tests fill it by hand.
     *
     * <p>Not thread-safe.
     */
    public static final class Builder {
        private final String path;
        private String queryString = "";
        private final Map<String, List<String>> headers = new LinkedHashMap<>();
        private final List<String> subprotocols = new ArrayList<>();
        private final Map<String, String> routeParams = new LinkedHashMap<>();
        private InetSocketAddress remoteAddress;
        private Principal principal;

        private Builder(String path) {
            Objects.requireNonNull(path, "path must not be null");
            if (!path.startsWith("/")) {
                throw new IllegalArgumentException("path must start with '/', was '" + path + "'");
            }
            this.path = path;
        }

        /**
         * Sets the raw query string.
         *
         * @param queryString the query without {@code ?}; {@code null} means none
         * @return this builder
         */
        public Builder queryString(String queryString) {
            this.queryString = queryString == null ? "" : queryString;
            return this;
        }

        /**
         * Adds a header value; the name is stored in lower case.
         *
         * @param name  the header name
         * @param value the value
         * @return this builder
         */
        public Builder header(String name, String value) {
            Objects.requireNonNull(name, "header name must not be null");
            Objects.requireNonNull(value, "value of header '" + name + "' must not be null");
            headers.computeIfAbsent(name.toLowerCase(Locale.ROOT), k -> new ArrayList<>()).add(value);
            return this;
        }

        /**
         * Adds every header of a map; names are stored in lower case.
         *
         * @param headers header names to values
         * @return this builder
         */
        public Builder headers(Map<String, List<String>> headers) {
            Objects.requireNonNull(headers, "headers must not be null");
            headers.forEach((name, values) -> {
                if (name != null && values != null) {
                    values.forEach(v -> {
                        if (v != null) {
                            header(name, v);
                        }
                    });
                }
            });
            return this;
        }

        /**
         * Sets the subprotocols the client offered.
         *
         * @param subprotocols in the client's order
         * @return this builder
         */
        public Builder subprotocols(List<String> subprotocols) {
            Objects.requireNonNull(subprotocols, "subprotocols must not be null");
            this.subprotocols.clear();
            for (String s : subprotocols) {
                this.subprotocols.add(Objects.requireNonNull(s, "subprotocols must not contain null"));
            }
            return this;
        }

        /**
         * Sets the route parameters.
         *
         * @param routeParams parameter names to values
         * @return this builder
         */
        public Builder routeParams(Map<String, String> routeParams) {
            Objects.requireNonNull(routeParams, "routeParams must not be null");
            this.routeParams.clear();
            routeParams.forEach((k, v) -> this.routeParams.put(
                    Objects.requireNonNull(k, "route parameter names must not be null"),
                    Objects.requireNonNull(v, "route parameter '" + k + "' must not be null")));
            return this;
        }

        /**
         * Sets the client's address.
         *
         * @param remoteAddress the address, or {@code null} if unknown
         * @return this builder
         */
        public Builder remoteAddress(InetSocketAddress remoteAddress) {
            this.remoteAddress = remoteAddress;
            return this;
        }

        /**
         * Sets the authenticated principal.
         *
         * @param principal the principal, or {@code null} for anonymous
         * @return this builder
         */
        public Builder principal(Principal principal) {
            this.principal = principal;
            return this;
        }

        /**
         * Builds the scope.
         *
         * @return an immutable scope
         */
        public Scope build() {
            return new Scope(this);
        }
    }
}
