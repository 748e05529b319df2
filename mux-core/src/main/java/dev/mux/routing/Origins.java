package dev.mux.routing;

import dev.mux.consumer.Scope;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** The same-host origin check plus an allow-list; see {@link OriginPolicy}. */
final class Origins implements OriginPolicy {

    static final Origins SAME_HOST = new Origins(List.of());

    /** An allowed origin: host may start with "*." for any subdomain; port -1 means default. */
    private record Allowed(String scheme, String host, int port) {
    }

    private final boolean any;
    private final List<Allowed> allowed;
    private final List<String> source;

    Origins(List<String> origins) {
        List<Allowed> parsed = new ArrayList<>();
        boolean star = false;
        for (String origin : origins) {
            if (origin == null) {
                throw new IllegalArgumentException("allowed origins must not contain null");
            }
            if (origin.equals("*")) {
                star = true;
                continue;
            }
            parsed.add(parseAllowed(origin));
        }
        this.any = star;
        this.allowed = List.copyOf(parsed);
        this.source = List.copyOf(origins);
    }

    @Override
    public boolean allows(Scope handshake) {
        Optional<String> originHeader = handshake.header("origin");
        if (originHeader.isEmpty()) {
            return true;
        }
        if (any) {
            return true;
        }
        URI origin = parse(originHeader.get().trim());
        if (origin == null || origin.getScheme() == null || origin.getHost() == null) {
            return false; // includes the opaque origin "null"
        }
        String scheme = origin.getScheme().toLowerCase(Locale.ROOT);
        String host = stripBrackets(origin.getHost().toLowerCase(Locale.ROOT));
        int port = origin.getPort() >= 0 ? origin.getPort() : defaultPort(scheme);
        if (sameHost(handshake, host, port, scheme)) {
            return true;
        }
        for (Allowed a : allowed) {
            if (!a.scheme.equals(scheme)) {
                continue;
            }
            int allowedPort = a.port >= 0 ? a.port : defaultPort(a.scheme);
            if (allowedPort != port) {
                continue;
            }
            if (a.host.startsWith("*.") ? host.endsWith(a.host.substring(1)) : a.host.equals(host)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return source.isEmpty() ? "OriginPolicy[same host]" : "OriginPolicy[same host or " + source + "]";
    }

    private static boolean sameHost(Scope handshake, String originHost, int originPort, String originScheme) {
        Optional<String> hostHeader = handshake.header("host");
        if (hostHeader.isEmpty()) {
            return false;
        }
        String value = hostHeader.get().trim().toLowerCase(Locale.ROOT);
        String host;
        int port;
        if (value.startsWith("[")) {
            int close = value.indexOf(']');
            if (close < 0) {
                return false;
            }
            host = value.substring(1, close);
            String rest = value.substring(close + 1);
            port = rest.startsWith(":") ? parsePort(rest.substring(1)) : defaultPort(originScheme);
        } else {
            int colon = value.lastIndexOf(':');
            host = colon < 0 ? value : value.substring(0, colon);
            port = colon < 0 ? defaultPort(originScheme) : parsePort(value.substring(colon + 1));
        }
        return port >= 0 && host.equals(originHost) && port == originPort;
    }

    private static Allowed parseAllowed(String origin) {
        String wildcard = null;
        String text = origin.trim();
        int hostStart = text.indexOf("://");
        if (hostStart > 0 && text.startsWith("*.", hostStart + 3)) {
            wildcard = "*.";
            text = text.substring(0, hostStart + 3) + "wildcard." + text.substring(hostStart + 5);
        }
        URI uri = parse(text);
        if (uri == null || uri.getScheme() == null || uri.getHost() == null
                || (uri.getRawPath() != null && !uri.getRawPath().isEmpty() && !uri.getRawPath().equals("/"))
                || uri.getRawQuery() != null || uri.getRawFragment() != null || uri.getRawUserInfo() != null) {
            throw new IllegalArgumentException("allowed origin '" + origin
                    + "' must be scheme://host[:port] (host may start with *.), or *");
        }
        String host = stripBrackets(uri.getHost().toLowerCase(Locale.ROOT));
        if (wildcard != null) {
            host = "*." + host.substring("wildcard.".length());
        }
        return new Allowed(uri.getScheme().toLowerCase(Locale.ROOT), host, uri.getPort());
    }

    private static URI parse(String text) {
        try {
            return new URI(text);
        } catch (URISyntaxException e) {
            return null;
        }
    }

    private static String stripBrackets(String host) {
        return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    }

    private static int parsePort(String s) {
        try {
            int p = Integer.parseInt(s);
            return p >= 0 && p <= 65535 ? p : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static int defaultPort(String scheme) {
        return scheme.equals("https") || scheme.equals("wss") ? 443 : 80;
    }
}
