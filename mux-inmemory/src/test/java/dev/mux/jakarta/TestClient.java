package dev.mux.jakarta;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.websocket.ClientEndpointConfig;
import jakarta.websocket.CloseReason;
import jakarta.websocket.Endpoint;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.Session;
import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.glassfish.tyrus.client.ClientManager;

/** A real WebSocket client (Tyrus's standalone client) that collects what the server sends. */
final class TestClient implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final LinkedBlockingQueue<Object> inbox = new LinkedBlockingQueue<>();
    private final CompletableFuture<CloseReason> closed = new CompletableFuture<>();
    private final Session session;

    private TestClient(ClientManager client, URI uri, Map<String, String> headers, List<String> subprotocols)
            throws Exception {
        ClientEndpointConfig config = ClientEndpointConfig.Builder.create()
                .preferredSubprotocols(subprotocols)
                .configurator(new ClientEndpointConfig.Configurator() {
                    @Override
                    public void beforeRequest(Map<String, List<String>> requestHeaders) {
                        headers.forEach((name, value) -> requestHeaders.put(name, List.of(value)));
                    }
                })
                .build();
        this.session = client.connectToServer(new Endpoint() {
            @Override
            public void onOpen(Session s, EndpointConfig c) {
                s.setMaxTextMessageBufferSize(8 * 1024 * 1024);
                s.addMessageHandler(String.class, inbox::add);
                s.addMessageHandler(ByteBuffer.class, b -> {
                    byte[] copy = new byte[b.remaining()];
                    b.get(copy);
                    inbox.add(copy);
                });
            }

            @Override
            public void onClose(Session s, CloseReason reason) {
                closed.complete(reason);
            }

            @Override
            public void onError(Session s, Throwable t) {
                // The close that follows is what the tests look at.
            }
        }, config, uri);
    }

    static TestClient connect(ClientManager client, URI uri) throws Exception {
        return new TestClient(client, uri, Map.of(), List.of());
    }

    static TestClient connect(ClientManager client, URI uri, Map<String, String> headers, List<String> subprotocols)
            throws Exception {
        return new TestClient(client, uri, headers, subprotocols);
    }

    Session session() {
        return session;
    }

    void sendText(String text) throws IOException {
        session.getBasicRemote().sendText(text);
    }

    void sendBinary(byte[] data) throws IOException {
        session.getBasicRemote().sendBinary(ByteBuffer.wrap(data));
    }

    void sendJson(Object value) throws IOException {
        sendText(JSON.writeValueAsString(value));
    }

    Object receive(Duration wait) throws InterruptedException {
        Object o = inbox.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
        if (o == null) {
            throw new AssertionError("nothing received within " + wait
                    + (closed.isDone() ? "; the connection closed with " + closed.getNow(null) : ""));
        }
        return o;
    }

    String receiveText(Duration wait) throws InterruptedException {
        Object o = receive(wait);
        if (!(o instanceof String s)) {
            throw new AssertionError("expected text, got " + o.getClass().getSimpleName());
        }
        return s;
    }

    JsonNode receiveJson(Duration wait) throws Exception {
        return JSON.readTree(receiveText(wait));
    }

    byte[] receiveBinary(Duration wait) throws InterruptedException {
        Object o = receive(wait);
        if (!(o instanceof byte[] b)) {
            throw new AssertionError("expected binary, got " + o);
        }
        return b;
    }

    void expectNothing(Duration wait) throws InterruptedException {
        Object o = inbox.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
        if (o != null) {
            throw new AssertionError("expected nothing, got " + o);
        }
    }

    /** Waits for the close and returns its reason phrase. */
    String awaitCloseReason(Duration wait) throws Exception {
        try {
            return closed.get(wait.toMillis(), TimeUnit.MILLISECONDS).getReasonPhrase();
        } catch (TimeoutException e) {
            throw new AssertionError("the connection did not close within " + wait);
        }
    }

    /** Waits for the close and returns its code. */
    int awaitClose(Duration wait) throws Exception {
        try {
            return closed.get(wait.toMillis(), TimeUnit.MILLISECONDS).getCloseCode().getCode();
        } catch (TimeoutException e) {
            throw new AssertionError("the connection did not close within " + wait);
        }
    }

    @Override
    public void close() throws IOException {
        if (session.isOpen()) {
            session.close();
        }
    }
}
