package dev.mux.jakarta;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A WebSocket client written against the socket: it shows the handshake's HTTP status as the
 * client sees it, and can stop reading altogether, as a stalled browser tab does.
 */
final class RawWebSocket implements AutoCloseable {

    private static final SecureRandom RANDOM = new SecureRandom();

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;
    private final int status;
    private final Map<String, String> headers = new LinkedHashMap<>();

    private RawWebSocket(int port, String path, Map<String, String> extraHeaders, int receiveBuffer) throws IOException {
        socket = new Socket();
        if (receiveBuffer > 0) {
            socket.setReceiveBufferSize(receiveBuffer); // before connecting, so the window stays small
        }
        socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        socket.setSoTimeout(5000);
        in = new DataInputStream(socket.getInputStream());
        out = socket.getOutputStream();
        byte[] key = new byte[16];
        RANDOM.nextBytes(key);
        StringBuilder request = new StringBuilder()
                .append("GET ").append(path).append(" HTTP/1.1\r\n")
                .append("Host: 127.0.0.1:").append(port).append("\r\n")
                .append("Upgrade: websocket\r\n")
                .append("Connection: Upgrade\r\n")
                .append("Sec-WebSocket-Key: ").append(Base64.getEncoder().encodeToString(key)).append("\r\n")
                .append("Sec-WebSocket-Version: 13\r\n");
        extraHeaders.forEach((name, value) -> request.append(name).append(": ").append(value).append("\r\n"));
        request.append("\r\n");
        out.write(request.toString().getBytes(StandardCharsets.US_ASCII));
        out.flush();
        String head = readHead();
        String[] lines = head.split("\r\n");
        status = Integer.parseInt(lines[0].split(" ")[1]);
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon > 0) {
                headers.put(lines[i].substring(0, colon).trim().toLowerCase(), lines[i].substring(colon + 1).trim());
            }
        }
    }

    static RawWebSocket open(int port, String path, Map<String, String> headers) throws IOException {
        return new RawWebSocket(port, path, headers, 0);
    }

    /** Opens a connection whose receive window is tiny, so that a client that does not read stalls the server. */
    static RawWebSocket openNonReading(int port, String path) throws IOException {
        return new RawWebSocket(port, path, Map.of(), 4096);
    }

    int status() {
        return status;
    }

    String header(String name) {
        return headers.get(name.toLowerCase());
    }

    void sendText(String text) throws IOException {
        byte[] payload = text.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream frame = new ByteArrayOutputStream();
        frame.write(0x81); // FIN + text
        if (payload.length < 126) {
            frame.write(0x80 | payload.length);
        } else if (payload.length < 65536) {
            frame.write(0x80 | 126);
            frame.write(payload.length >>> 8);
            frame.write(payload.length);
        } else {
            frame.write(0x80 | 127);
            for (int i = 7; i >= 0; i--) {
                frame.write((int) ((long) payload.length >>> (8 * i)));
            }
        }
        byte[] mask = new byte[4];
        RANDOM.nextBytes(mask);
        frame.write(mask);
        for (int i = 0; i < payload.length; i++) {
            frame.write(payload[i] ^ mask[i % 4]);
        }
        out.write(frame.toByteArray());
        out.flush();
    }

    /**
     * Sends one frame exactly as given: the first byte (FIN, RSV bits, opcode), the payload,
     * masked or not, with a length field that may lie.
     *
     * @param firstByte     FIN, RSV1-3 and the opcode
     * @param payload       the payload
     * @param masked        whether to mask it, as a client must
     * @param declaredLength the length to put in the header, or -1 for the payload's
     */
    void sendFrame(int firstByte, byte[] payload, boolean masked, long declaredLength) throws IOException {
        long length = declaredLength < 0 ? payload.length : declaredLength;
        ByteArrayOutputStream frame = new ByteArrayOutputStream();
        frame.write(firstByte);
        int maskBit = masked ? 0x80 : 0;
        if (length < 126) {
            frame.write(maskBit | (int) length);
        } else if (length < 65536) {
            frame.write(maskBit | 126);
            frame.write((int) (length >>> 8));
            frame.write((int) length);
        } else {
            frame.write(maskBit | 127);
            for (int i = 7; i >= 0; i--) {
                frame.write((int) (length >>> (8 * i)));
            }
        }
        byte[] mask = new byte[4];
        if (masked) {
            RANDOM.nextBytes(mask);
            frame.write(mask);
        }
        for (int i = 0; i < payload.length; i++) {
            frame.write(masked ? payload[i] ^ mask[i % 4] : payload[i]);
        }
        out.write(frame.toByteArray());
        out.flush();
    }

    /** Sends bytes as they are, frames or not. */
    void sendRaw(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    /**
     * Reads until the server's close frame or the end of the stream.
     *
     * @return the close code, or -1 if the server dropped the connection without a close frame
     */
    int awaitCloseOrEnd(Duration wait) throws IOException {
        try {
            return (int) readUntilClose(wait)[1];
        } catch (AssertionError e) {
            if (e.getMessage() != null && e.getMessage().contains("without a close frame")) {
                return -1;
            }
            throw e;
        } catch (java.net.SocketException reset) {
            return -1;
        }
    }

    /**
     * Reads frames until a close frame and returns its code; counts the data frames before it.
     *
     * @return {dataFrames, closeCode}
     */
    long[] readUntilClose(Duration wait) throws IOException {
        socket.setSoTimeout((int) wait.toMillis());
        long frames = 0;
        try {
            while (true) {
                int b0 = in.readUnsignedByte();
                int b1 = in.readUnsignedByte();
                long length = b1 & 0x7f;
                if (length == 126) {
                    length = in.readUnsignedShort();
                } else if (length == 127) {
                    length = in.readLong();
                }
                int opcode = b0 & 0x0f;
                if (opcode == 0x8) {
                    int code = length >= 2 ? in.readUnsignedShort() : 1005;
                    in.skipNBytes(Math.max(0, length - 2));
                    return new long[] {frames, code};
                }
                in.skipNBytes(length);
                frames++;
            }
        } catch (SocketTimeoutException e) {
            throw new AssertionError("no close frame within " + wait + " after " + frames + " data frames");
        } catch (EOFException e) {
            throw new AssertionError("the server dropped the connection without a close frame after " + frames
                    + " data frames");
        }
    }

    private String readHead() throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        byte[] end = {'\r', '\n', '\r', '\n'};
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("the server closed before the end of the response head: " + head);
            }
            head.write(b);
            matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        return head.toString(StandardCharsets.ISO_8859_1);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
