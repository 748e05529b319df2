package dev.mux.jakarta;

import dev.mux.consumer.CloseCodes;
import dev.mux.consumer.Connection;
import dev.mux.consumer.ConnectionLimits;
import dev.mux.consumer.Transport;
import jakarta.websocket.CloseReason;
import jakarta.websocket.Endpoint;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.Session;
import java.io.IOException;
import java.nio.ByteBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Jakarta endpoint of one Mux connection: forwards frames and the close to its
 * {@link Connection}, and writes the connection's frames with the session's asynchronous remote.
 *
 * <p>Public only because containers instantiate endpoint classes reflectively; applications
 * never use it directly. Containers call it on their own threads; it hands everything to the
 * connection, which runs the consumer on the runtime's executor.
 */
public final class MuxEndpoint extends Endpoint {

    private static final Logger log = LoggerFactory.getLogger(MuxEndpoint.class);

    private final Mux mux;
    private volatile Connection connection;

    MuxEndpoint(Mux mux) {
        this.mux = mux;
    }

    /**
     * Attaches the session to the connection the handshake accepted.
     *
     * @param session the session
     * @param config  the per-handshake configuration
     */
    @Override
    public void onOpen(Session session, EndpointConfig config) {
        Object c = config.getUserProperties().remove(MuxConfigurator.CONNECTION_KEY);
        if (!(c instanceof Connection)) {
            c = session.getUserProperties().remove(MuxConfigurator.CONNECTION_KEY);
        }
        if (!(c instanceof Connection found)) {
            log.error("session {}: opened without an accepted Mux connection; closing with 1011", session.getId());
            closeQuietly(session, CloseCodes.INTERNAL_ERROR, "no connection");
            return;
        }
        connection = found;
        ConnectionLimits limits = mux.runtime().limits();
        // The container must let frames up to our limit through; it closes with 1009 above it.
        session.setMaxTextMessageBufferSize(limits.maxFrameBytes());
        session.setMaxBinaryMessageBufferSize(limits.maxFrameBytes());
        // Open first: a frame delivered as soon as a handler exists must find the connection open.
        found.open(new SessionTransport(session));
        session.addMessageHandler(String.class, found::receiveText);
        session.addMessageHandler(ByteBuffer.class, found::receiveBinary);
    }

    /**
     * Reports the end of the connection.
     *
     * @param session     the session
     * @param closeReason the close code the container saw
     */
    @Override
    public void onClose(Session session, CloseReason closeReason) {
        Connection c = connection;
        if (c != null) {
            c.closed(closeReason.getCloseCode().getCode());
        }
    }

    /**
     * Logs a transport error; the container closes the session after it.
     *
     * @param session the session
     * @param error   what happened
     */
    @Override
    public void onError(Session session, Throwable error) {
        Connection c = connection;
        log.debug("connection {}: transport error: {}", c == null ? "session " + session.getId() : c.id(),
                error.toString());
    }

    private static void closeQuietly(Session session, int code, String reason) {
        try {
            session.close(new CloseReason(CloseReason.CloseCodes.getCloseCode(code), reason));
        } catch (IOException | RuntimeException e) {
            log.debug("session {}: close failed: {}", session.getId(), e.toString());
        }
    }

    /** Writes through the session's asynchronous remote; Mux keeps one send outstanding. */
    private static final class SessionTransport implements Transport {
        private final Session session;

        SessionTransport(Session session) {
            this.session = session;
        }

        @Override
        public void sendText(String text, SendCallback done) {
            session.getAsyncRemote().sendText(text, result -> done.completed(result.isOK() ? null : result.getException()));
        }

        @Override
        public void sendBinary(ByteBuffer data, SendCallback done) {
            session.getAsyncRemote().sendBinary(data,
                    result -> done.completed(result.isOK() ? null : result.getException()));
        }

        @Override
        public void close(int code, String reason) {
            closeQuietly(session, code, reason);
        }
    }
}
