package dev.mux.consumer;

import java.nio.ByteBuffer;

/**
 * The network side of one WebSocket connection, as a transport (the Jakarta adapter, the test
 * communicator, or an adapter for another server) gives it to {@link Connection#open}.
 *
 * <p>Mux never has more than one send outstanding per connection: it calls
 * {@link #sendText sendText} or {@link #sendBinary sendBinary} again only after the previous
 * send's callback ran. That is how the outbound queue stays bounded whatever the client does.
 *
 * <p><b>Threading:</b> methods are called from Mux's threads, never concurrently for one
 * connection except that {@link #close} may be called while a send is outstanding.
 * Implementations must not block in them; callbacks may run on any thread, including the
 * calling one.
 */
public interface Transport {

    /**
     * Starts sending a text frame.
     *
     * @param text the text
     * @param done called once when the frame is written ({@code null}) or failed (the cause)
     */
    void sendText(String text, SendCallback done);

    /**
     * Starts sending a binary frame.
     *
     * @param data the bytes, read-only; the transport may read them until it calls {@code done}
     * @param done called once when the frame is written ({@code null}) or failed (the cause)
     */
    void sendBinary(ByteBuffer data, SendCallback done);

    /**
     * Starts the closing handshake with a close frame; after this Mux sends nothing more.
     *
     * @param code   a code for which {@link CloseCodes#isSendable(int)} holds
     * @param reason a reason of at most {@value CloseCodes#MAX_REASON_BYTES} UTF-8 bytes, may be empty
     */
    void close(int code, String reason);

    /**
     * Learns how a send ended.
     */
    @FunctionalInterface
    interface SendCallback {

        /**
         * Reports the end of a send.
         *
         * @param failure {@code null} on success, otherwise why the frame was not written
         */
        void completed(Throwable failure);
    }
}
