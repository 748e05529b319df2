package dev.mux.demux;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mux.testing.WebSocketCommunicator;

/** A {@link DemuxClient} over the in-process communicator. */
public final class CommunicatorClient implements DemuxClient {

    private final WebSocketCommunicator communicator;

    /** Wraps a connected communicator. */
    public CommunicatorClient(WebSocketCommunicator communicator) {
        this.communicator = communicator;
    }

    @Override
    public void sendText(String text) {
        communicator.sendText(text);
    }

    @Override
    public void sendBinary(byte[] data) {
        communicator.sendBinary(data);
    }

    @Override
    public JsonNode receiveJson() {
        return communicator.receiveJson();
    }

    @Override
    public void expectNothing() {
        communicator.expectNothing();
    }

    @Override
    public void close() {
        communicator.close();
    }
}
