package dev.mux.jakarta;

import dev.mux.consumer.ConnectResult;
import dev.mux.consumer.Connection;
import dev.mux.consumer.Scope;
import dev.mux.routing.Admission;
import jakarta.websocket.Extension;
import jakarta.websocket.HandshakeResponse;
import jakarta.websocket.server.HandshakeRequest;
import jakarta.websocket.server.ServerEndpointConfig;
import java.lang.reflect.Method;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the Mux handshake inside the container's: origin policy, routing, authenticator, and the
 * consumer's connect phase, all in {@code modifyHandshake}, on the container's handshake thread.
 *
 * <p>The origin is checked here rather than in {@code checkOrigin} because the same-host rule
 * needs the {@code Host} header, which {@code checkOrigin} does not see. The subprotocol is set
 * here too, since the consumer chooses it in {@code onConnect}. An accepted connection is handed
 * to its {@link MuxEndpoint} through the per-handshake user properties.
 *
 * <p>Thread-safe: one instance serves all handshakes of one mount path concurrently.
 */
final class MuxConfigurator extends ServerEndpointConfig.Configurator {

    /** The user property that carries an accepted connection from the handshake to onOpen. */
    static final String CONNECTION_KEY = "dev.mux.jakarta.connection";
    /** Where Jetty puts the client's address during the handshake. */
    private static final String JETTY_REMOTE_ADDRESS = "jakarta.websocket.endpoint.remoteAddress";
    private static final Pattern IP_LITERAL = Pattern.compile("[0-9a-fA-F:.%]+");
    private static final Logger log = LoggerFactory.getLogger(MuxConfigurator.class);

    private final Mux mux;
    private final String mountPath;
    private final int mountSegments;
    private volatile Map<String, Object> sharedUserProperties;

    MuxConfigurator(Mux mux, String mountPath) {
        this.mux = mux;
        this.mountPath = mountPath;
        this.mountSegments = mountPath.split("/", -1).length - 1;
    }

    void sharedUserProperties(Map<String, Object> properties) {
        this.sharedUserProperties = properties;
    }

    @Override
    public boolean checkOrigin(String originHeaderValue) {
        return true; // checked in modifyHandshake, where the Host header is known
    }

    @Override
    public String getNegotiatedSubprotocol(List<String> supported, List<String> requested) {
        return ""; // the consumer chooses in onConnect; set in modifyHandshake
    }

    /**
     * Returns the requested extensions the container has installed, in the client's order, as
     * the specification's default does; done here so the result does not depend on which
     * container's default configurator the class path happens to offer.
     */
    @Override
    public List<Extension> getNegotiatedExtensions(List<Extension> installed, List<Extension> requested) {
        List<Extension> out = new ArrayList<>();
        for (Extension r : requested) {
            for (Extension i : installed) {
                if (i.getName().equals(r.getName()) && out.stream().noneMatch(e -> e.getName().equals(r.getName()))) {
                    out.add(r);
                }
            }
        }
        return out;
    }

    @Override
    public void modifyHandshake(ServerEndpointConfig sec, HandshakeRequest request, HandshakeResponse response) {
        Scope handshake = scopeOf(sec, request);
        String path = handshake.path();
        if (sec.getUserProperties() == sharedUserProperties) {
            // Handing the connection over through a map every handshake shares would cross-wire clients.
            log.error("handshake {}: this container shares user properties between handshakes; Mux cannot run on it",
                    path);
            throw HandshakeRefusal.refuse(request, response, ConnectResult.SERVER_ERROR, "shared user properties");
        }
        Admission admission = mux.router().admit(handshake);
        if (!admission.isAdmitted()) {
            mux.runtime().refusedBeforeConnection(path, admission.status(), admission.reason());
            throw HandshakeRefusal.refuse(request, response, admission.status(), admission.reason());
        }
        Connection connection;
        try {
            connection = mux.runtime().newConnection(admission.factory(), admission.scope());
        } catch (RuntimeException e) {
            log.error("handshake {}: refused with 500: no consumer for the connection", path, e);
            throw HandshakeRefusal.refuse(request, response, ConnectResult.SERVER_ERROR, e.toString());
        }
        ConnectResult result = await(connection);
        if (!result.accepted()) {
            log.debug("connection {}: handshake {} refused with {} ({})", connection.id(), path, result.status(),
                    result.reason());
            throw HandshakeRefusal.refuse(request, response, result.status(), result.reason());
        }
        if (result.subprotocol() != null) {
            response.getHeaders().put("Sec-WebSocket-Protocol", List.of(result.subprotocol()));
        }
        sec.getUserProperties().put(CONNECTION_KEY, connection);
    }

    @Override
    public <T> T getEndpointInstance(Class<T> endpointClass) {
        return endpointClass.cast(new MuxEndpoint(mux));
    }

    private ConnectResult await(Connection connection) {
        long wait = mux.runtime().limits().handshakeTimeout().toMillis() + 1000;
        try {
            return connection.connect().toCompletableFuture().get(wait, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return ConnectResult.refused(503, "interrupted while the consumer connected");
        } catch (TimeoutException | ExecutionException e) {
            // The connection times the handshake out by itself; this is a last resort.
            return ConnectResult.refused(503, "no handshake outcome: " + e);
        }
    }

    /** Builds the handshake's scope: the path relative to the application, as routes see it. */
    private Scope scopeOf(ServerEndpointConfig sec, HandshakeRequest request) {
        URI uri = request.getRequestURI();
        String fullPath = uri.getPath() == null || uri.getPath().isEmpty() ? "/" : uri.getPath();
        Scope.Builder b = Scope.builder(relativePath(fullPath))
                .queryString(request.getQueryString() != null ? request.getQueryString() : uri.getRawQuery())
                .headers(request.getHeaders())
                .principal(request.getUserPrincipal())
                .remoteAddress(remoteAddress(sec, request));
        Scope partial = b.build();
        List<String> offered = new ArrayList<>();
        for (String header : partial.headers().getOrDefault("sec-websocket-protocol", List.of())) {
            for (String p : header.split(",")) {
                if (!p.isBlank()) {
                    offered.add(p.trim());
                }
            }
        }
        return b.subprotocols(offered).build();
    }

    /**
     * Strips the context path: the container matched the last segments of the request path
     * against this mount path, so those segments are the path relative to the application.
     */
    private String relativePath(String fullPath) {
        String[] parts = fullPath.split("/", -1);
        if (parts.length - 1 <= mountSegments) {
            return fullPath;
        }
        StringBuilder out = new StringBuilder();
        for (int i = parts.length - mountSegments; i < parts.length; i++) {
            out.append('/').append(parts[i]);
        }
        return out.toString();
    }

    private static InetSocketAddress remoteAddress(ServerEndpointConfig sec, HandshakeRequest request) {
        Object jetty = sec.getUserProperties().get(JETTY_REMOTE_ADDRESS);
        if (jetty instanceof InetSocketAddress address) {
            return address;
        }
        try {
            // Tyrus's request has a public getRemoteAddr(); no container API is linked for it.
            Method m = request.getClass().getMethod("getRemoteAddr");
            Object value = m.invoke(request);
            if (value instanceof String ip && !ip.isEmpty()) {
                return IP_LITERAL.matcher(ip).matches()
                        ? new InetSocketAddress(InetAddress.getByName(ip), 0) // a literal: no DNS look-up
                        : InetSocketAddress.createUnresolved(ip, 0);
            }
        } catch (ReflectiveOperationException | UnknownHostException | RuntimeException e) {
            log.trace("remote address not available from {}: {}", request.getClass().getName(), e.toString());
        }
        return null;
    }

    @Override
    public String toString() {
        return "MuxConfigurator[" + mountPath + "]";
    }
}
