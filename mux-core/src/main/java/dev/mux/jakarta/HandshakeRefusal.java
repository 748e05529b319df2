package dev.mux.jakarta;

import jakarta.websocket.HandshakeResponse;
import jakarta.websocket.server.HandshakeRequest;
import java.lang.reflect.Constructor;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Refuses a handshake from {@code modifyHandshake} with a given HTTP status.
 *
 * <p>Jakarta WebSocket has no portable way to answer a handshake with a status once the origin
 * check has passed: {@code modifyHandshake} can only add headers. But the decision needs the
 * request (the {@code Host} header for the origin check, cookies for the authenticator, the
 * consumer's own {@code reject()}), which only {@code modifyHandshake} sees. So the refusal is
 * an exception the running container turns into the status:
 * <ul>
 *   <li>Tyrus answers {@code org.glassfish.tyrus.core.HandshakeException(status)} with that
 *       status (as it does for its own origin check);</li>
 *   <li>Jetty 12 answers an {@code org.eclipse.jetty.http.HttpException.RuntimeException(status)}
 *       with that status;</li>
 *   <li>any other container gets a {@link HandshakeRefusedException}: the upgrade fails and
 *       the container picks the error status (typically 500).</li>
 * </ul>
 * The container is recognized by the class of its handshake request and the exception class is
 * loaded from that class's loader, so nothing here links against a container.
 *
 * <p>Thread-safe.
 */
final class HandshakeRefusal {

    private static final Logger log = LoggerFactory.getLogger(HandshakeRefusal.class);

    /** Makes the exception for one container; null when the container is not known. */
    private static final ClassValue<Constructor<?>> CONSTRUCTORS = new ClassValue<>() {
        @Override
        protected Constructor<?> computeValue(Class<?> requestClass) {
            String name = requestClass.getName();
            String exception = name.startsWith("org.glassfish.tyrus.") ? "org.glassfish.tyrus.core.HandshakeException"
                    : name.startsWith("org.eclipse.jetty.") ? "org.eclipse.jetty.http.HttpException$RuntimeException"
                    : null;
            if (exception == null) {
                return null;
            }
            try {
                Class<?> type = Class.forName(exception, false, requestClass.getClassLoader());
                return type.getConstructor(int.class, String.class);
            } catch (ReflectiveOperationException | LinkageError e) {
                log.warn("cannot load {} to refuse handshakes with a status; the container will pick it: {}",
                        exception, e.toString());
                return null;
            }
        }
    };

    private HandshakeRefusal() {
    }

    /**
     * Returns (never normally: it throws) the exception that makes the container answer the
     * handshake with {@code status}. Callers write {@code throw refuse(...)}.
     */
    static RuntimeException refuse(HandshakeRequest request, HandshakeResponse response, int status, String reason) {
        // A refused handshake must not look like an upgrade, whatever the container does next.
        for (String header : List.of("Upgrade", "Connection", "Sec-WebSocket-Accept", "Sec-WebSocket-Protocol",
                "Sec-WebSocket-Extensions")) {
            try {
                response.getHeaders().remove(header);
            } catch (RuntimeException e) {
                // A read-only header view: the exception below still refuses the upgrade.
            }
        }
        Constructor<?> constructor = CONSTRUCTORS.get(request.getClass());
        if (constructor != null) {
            Throwable t;
            try {
                t = (Throwable) constructor.newInstance(status, reason);
            } catch (ReflectiveOperationException e) {
                t = null;
            }
            if (t != null) {
                throw HandshakeRefusal.<RuntimeException>sneaky(t);
            }
        }
        return new HandshakeRefusedException(status, reason);
    }

    /** Throws a checked exception (Tyrus's HandshakeException) through a method that declares none. */
    @SuppressWarnings("unchecked")
    private static <T extends Throwable> T sneaky(Throwable t) throws T {
        throw (T) t;
    }
}
