package dev.mux.demux;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A WebSocket client as the demultiplexer and binding scenarios need it, so that the same
 * scenarios run in-process and against real containers with a real client.
 */
public interface DemuxClient extends AutoCloseable {

    /** Sends a text frame. */
    void sendText(String text);

    /** Sends a binary frame. */
    void sendBinary(byte[] data);

    /** Waits (bounded) for the next text frame and parses it as JSON. */
    JsonNode receiveJson();

    /** Checks that no frame arrives for a short while. */
    void expectNothing();

    /** Closes the connection normally. */
    @Override
    void close();
}
