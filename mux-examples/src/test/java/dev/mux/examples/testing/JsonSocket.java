package dev.mux.examples.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A real WebSocket client (the JDK's) that sends and receives JSON text frames, for tests.
 * Receives wait at most {@link #TIMEOUT}.
 */
public final class JsonSocket implements AutoCloseable {

    /** How long a receive or the handshake waits. */
    public static final Duration TIMEOUT = Duration.ofSeconds(10);

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();

    private final WebSocket socket;
    private final LinkedBlockingQueue<String> frames;
    private final CompletableFuture<Integer> closed;

    private JsonSocket(WebSocket socket, LinkedBlockingQueue<String> frames, CompletableFuture<Integer> closed) {
        this.socket = socket;
        this.frames = frames;
        this.closed = closed;
    }

    /**
     * Opens a socket, sending an Origin header.
     *
     * @param uri    a {@code ws:} URI
     * @param origin the Origin header, or null for none
     * @return the open socket
     * @throws HandshakeRefused if the server answered the handshake with an HTTP status
     */
    public static JsonSocket open(URI uri, String origin) {
        LinkedBlockingQueue<String> frames = new LinkedBlockingQueue<>();
        CompletableFuture<Integer> closed = new CompletableFuture<>();
        WebSocket.Listener listener = new WebSocket.Listener() {
            private final StringBuilder partial = new StringBuilder();

            @Override
            public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
                partial.append(data);
                if (last) {
                    frames.add(partial.toString());
                    partial.setLength(0);
                }
                ws.request(1);
                return null;
            }

            @Override
            public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
                closed.complete(statusCode);
                return null;
            }

            @Override
            public void onError(WebSocket ws, Throwable error) {
                closed.completeExceptionally(error);
            }
        };
        WebSocket.Builder builder = HTTP.newWebSocketBuilder().connectTimeout(TIMEOUT);
        if (origin != null) {
            builder.header("Origin", origin);
        }
        try {
            WebSocket ws = builder.buildAsync(uri, listener).get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            return new JsonSocket(ws, frames, closed);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof WebSocketHandshakeException refused) {
                throw new HandshakeRefused(refused.getResponse().statusCode());
            }
            throw new AssertionError("cannot open " + uri + ": " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        } catch (TimeoutException e) {
            throw new AssertionError("no handshake answer from " + uri + " within " + TIMEOUT, e);
        }
    }

    /**
     * Opens a socket with the Origin of the server it connects to, as a browser on its page would.
     *
     * @param uri a {@code ws:} URI
     * @return the open socket
     */
    public static JsonSocket open(URI uri) {
        return open(uri, "http://" + uri.getHost() + ":" + uri.getPort());
    }

    /**
     * Sends a value as a JSON text frame.
     *
     * @param value anything Jackson writes
     */
    public void send(Object value) {
        try {
            socket.sendText(JSON.writeValueAsString(value), true).get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new AssertionError("cannot send: " + e, e);
        }
    }

    /**
     * Sends text as it is, JSON or not.
     *
     * @param text the frame's text
     */
    public void sendText(String text) {
        try {
            socket.sendText(text, true).get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new AssertionError("cannot send: " + e, e);
        }
    }

    /**
     * Sends a binary frame.
     *
     * @param data the bytes
     */
    public void sendBinary(byte[] data) {
        try {
            socket.sendBinary(java.nio.ByteBuffer.wrap(data), true).get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new AssertionError("cannot send: " + e, e);
        }
    }

    /**
     * Waits for the next frame.
     *
     * @return the frame, parsed
     */
    public JsonNode receive() {
        try {
            String frame = frames.poll(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            if (frame == null) {
                throw new AssertionError("no frame within " + TIMEOUT
                        + (closed.isDone() ? "; the socket was closed with " + closed.getNow(null) : ""));
            }
            return JSON.readTree(frame);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /**
     * Waits at most {@code wait} for the next frame.
     *
     * @param wait how long to wait
     * @return the frame, parsed, or {@code null} if none came
     */
    public JsonNode poll(Duration wait) {
        try {
            String frame = frames.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
            return frame == null ? null : JSON.readTree(frame);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /**
     * Returns the server's close code once it closed.
     *
     * @return the code, or -1 while open (or if the socket failed)
     */
    public int closeCode() {
        return closed.isDone() && !closed.isCompletedExceptionally() ? closed.join() : -1;
    }

    /**
     * Tells whether the server closed the socket (or it failed).
     *
     * @return {@code true} once closed
     */
    public boolean isClosed() {
        return closed.isDone();
    }

    /**
     * Waits until the server closes the socket.
     *
     * @param timeout how long to wait
     * @return the close code
     */
    public int awaitClose(Duration timeout) {
        try {
            return closed.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        } catch (ExecutionException | CompletionException e) {
            throw new AssertionError("the socket failed instead of closing: " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new AssertionError("the server did not close the socket within " + timeout, e);
        }
    }

    /** Closes the socket normally. */
    @Override
    public void close() {
        if (!socket.isOutputClosed()) {
            try {
                socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(2, TimeUnit.SECONDS);
            } catch (ExecutionException | TimeoutException e) {
                // Closing anyway.
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        socket.abort();
    }

    /** The server refused the handshake with an HTTP status. */
    public static final class HandshakeRefused extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final int status;

        HandshakeRefused(int status) {
            super("the handshake was refused with HTTP " + status);
            this.status = status;
        }

        /**
         * Returns the HTTP status.
         *
         * @return the status
         */
        public int status() {
            return status;
        }
    }
}
