package dev.mux.redis.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real Redis Sentinel ({@code redis-server <conf> --sentinel}) on a free loopback port,
 * monitoring one {@link RedisServer} as master under a given name.
 *
 * <p>Fails loudly naming {@code apt-get install redis-server} when the binary is missing.
 * Not thread-safe; close it after the test.
 */
public final class RedisSentinel implements AutoCloseable {

    private final Process process;
    private final Path dir;
    private final int port;

    private RedisSentinel(Process process, Path dir, int port) {
        this.process = process;
        this.dir = dir;
        this.port = port;
    }

    /**
     * Starts a Sentinel monitoring {@code master} as {@code masterName}, and waits until it
     * reports the master's address.
     *
     * @param master     the master
     * @param masterName the name clients ask the Sentinel for
     * @return the running Sentinel
     */
    public static RedisSentinel start(RedisServer master, String masterName) {
        try {
            Path dir = Files.createTempDirectory("mux-sentinel-");
            int port;
            try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
                port = socket.getLocalPort();
            }
            Path conf = dir.resolve("sentinel.conf");
            Files.writeString(conf, "port " + port + "\nbind 127.0.0.1\ndir " + dir + "\n"
                    + "sentinel monitor " + masterName + " 127.0.0.1 " + master.port() + " 1\n");
            String executable = RedisServer.executable().toString();
            Process process = new ProcessBuilder(executable, conf.toString(), "--sentinel")
                    .redirectErrorStream(true)
                    .redirectOutput(dir.resolve("sentinel.log").toFile())
                    .start();
            RedisSentinel sentinel = new RedisSentinel(process, dir, port);
            sentinel.awaitMaster(masterName, master.port());
            return sentinel;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start redis-server --sentinel", e);
        }
    }

    /**
     * The Sentinel's URI for clients, {@code redis-sentinel://127.0.0.1:<port>}.
     *
     * @return the URI
     */
    public String uri() {
        return "redis-sentinel://127.0.0.1:" + port;
    }

    /**
     * The Sentinel's port.
     *
     * @return the port
     */
    public int port() {
        return port;
    }

    /** Stops the Sentinel and deletes its directory. */
    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // A leftover temp directory is harmless.
        }
    }

    private void awaitMaster(String masterName, int masterPort) throws IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        String command = "*3\r\n$8\r\nSENTINEL\r\n$23\r\nget-master-addr-by-name\r\n$" + masterName.length()
                + "\r\n" + masterName + "\r\n";
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("redis-server --sentinel exited; log:\n"
                        + Files.readString(dir.resolve("sentinel.log")));
            }
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
                socket.setSoTimeout(1000);
                OutputStream out = socket.getOutputStream();
                out.write(command.getBytes(StandardCharsets.US_ASCII));
                out.flush();
                InputStream in = socket.getInputStream();
                byte[] buffer = new byte[256];
                int n = in.read(buffer);
                if (n > 0 && new String(buffer, 0, n, StandardCharsets.US_ASCII).contains(Integer.toString(masterPort))) {
                    return;
                }
            } catch (IOException notYet) {
                // Still starting: poll again.
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for the Sentinel", e);
            }
        }
        throw new IllegalStateException("the Sentinel on port " + port + " did not report master " + masterName
                + " within 15 s; log:\n" + Files.readString(dir.resolve("sentinel.log")));
    }
}
