package dev.mux.demux;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.websocket.ClientEndpointConfig;
import jakarta.websocket.CloseReason;
import jakarta.websocket.Endpoint;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.Session;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.glassfish.tyrus.client.ClientManager;

/** A {@link DemuxClient} over a real WebSocket connection (Tyrus's standalone client). */
public final class RealClient implements DemuxClient {

    /** How long a receive waits before the test fails. */
    public static final Duration WAIT = Duration.ofSeconds(10);
    /** How long {@link #expectNothing()} listens. */
    public static final Duration QUIET = Duration.ofMillis(200);

    private static final ObjectMapper JSON = new ObjectMapper();

    private final LinkedBlockingQueue<String> inbox = new LinkedBlockingQueue<>();
    private final CompletableFuture<CloseReason> closed = new CompletableFuture<>();
    private final Session session;

    /** Connects to a URI and starts collecting text frames. */
    public RealClient(ClientManager client, URI uri) throws Exception {
        this.session = client.connectToServer(new Endpoint() {
            @Override
            public void onOpen(Session s, EndpointConfig c) {
                s.addMessageHandler(String.class, inbox::add);
            }

            @Override
            public void onClose(Session s, CloseReason reason) {
                closed.complete(reason);
            }
        }, ClientEndpointConfig.Builder.create().build(), uri);
    }

    @Override
    public void sendText(String text) {
        try {
            session.getBasicRemote().sendText(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void sendBinary(byte[] data) {
        try {
            session.getBasicRemote().sendBinary(ByteBuffer.wrap(data));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public JsonNode receiveJson() {
        try {
            String text = inbox.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            if (text == null) {
                throw new AssertionError("no frame within " + WAIT
                        + (closed.isDone() ? "; the connection closed: " + closed.getNow(null) : ""));
            }
            return JSON.readTree(text);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        } catch (IOException e) {
            throw new AssertionError("a frame is not JSON", e);
        }
    }

    @Override
    public void expectNothing() {
        try {
            String text = inbox.poll(QUIET.toMillis(), TimeUnit.MILLISECONDS);
            if (text != null) {
                throw new AssertionError("expected nothing, got " + text);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    @Override
    public void close() {
        try {
            if (session.isOpen()) {
                session.close();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
