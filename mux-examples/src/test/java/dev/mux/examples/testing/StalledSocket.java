package dev.mux.examples.testing;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * A WebSocket client that completes the handshake and then never reads, as a frozen browser tab
 * does: its tiny receive window fills and the server's writes to it stall. Also the fastest way
 * to open and drop connections, with or without a close frame.
 */
public final class StalledSocket implements AutoCloseable {

    private static final SecureRandom RANDOM = new SecureRandom();

    private final Socket socket;
    private final int status;

    private StalledSocket(int port, String path, int receiveBuffer) throws IOException {
        socket = new Socket();
        if (receiveBuffer > 0) {
            socket.setReceiveBufferSize(receiveBuffer); // before connecting, so the window stays small
        }
        socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        socket.setSoTimeout(10_000);
        byte[] key = new byte[16];
        RANDOM.nextBytes(key);
        String request = "GET " + path + " HTTP/1.1\r\n"
                + "Host: 127.0.0.1:" + port + "\r\n"
                + "Origin: http://127.0.0.1:" + port + "\r\n"
                + "Upgrade: websocket\r\n"
                + "Connection: Upgrade\r\n"
                + "Sec-WebSocket-Key: " + Base64.getEncoder().encodeToString(key) + "\r\n"
                + "Sec-WebSocket-Version: 13\r\n\r\n";
        OutputStream out = socket.getOutputStream();
        out.write(request.getBytes(StandardCharsets.US_ASCII));
        out.flush();
        String head = readHead(socket.getInputStream());
        status = Integer.parseInt(head.split(" ", 3)[1]);
    }

    /**
     * Opens a socket that will not read.
     *
     * @param port the server's port on 127.0.0.1
     * @param path the request path
     * @return the open socket
     * @throws IOException if the connection fails
     */
    public static StalledSocket open(int port, String path) throws IOException {
        StalledSocket s = new StalledSocket(port, path, 4096);
        if (s.status != 101) {
            s.close();
            throw new IOException("the handshake was answered " + s.status);
        }
        return s;
    }

    /**
     * Opens a socket with a normal receive window, for connect/disconnect cycles.
     *
     * @param port the server's port on 127.0.0.1
     * @param path the request path
     * @return the socket, whatever the handshake's status
     * @throws IOException if the connection fails
     */
    public static StalledSocket connect(int port, String path) throws IOException {
        return new StalledSocket(port, path, 0);
    }

    /**
     * Returns the handshake's HTTP status.
     *
     * @return 101 when upgraded
     */
    public int status() {
        return status;
    }

    /**
     * Closes as a well-behaved client does: a close frame with 1000, then the socket.
     *
     * @throws IOException if writing fails
     */
    public void closeNormally() throws IOException {
        byte[] mask = new byte[4];
        RANDOM.nextBytes(mask);
        byte[] payload = {(byte) 0x03, (byte) 0xE8}; // 1000
        OutputStream out = socket.getOutputStream();
        out.write(new byte[] {(byte) 0x88, (byte) (0x80 | payload.length), mask[0], mask[1], mask[2], mask[3],
            (byte) (payload[0] ^ mask[0]), (byte) (payload[1] ^ mask[1])});
        out.flush();
        socket.close();
    }

    /**
     * Drops the connection without a close frame, with a TCP reset, as a crashed client or a
     * lost network does.
     *
     * @throws IOException if closing fails
     */
    public void closeAbruptly() throws IOException {
        socket.setSoLinger(true, 0);
        socket.close();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    private static String readHead(InputStream in) throws IOException {
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
}
