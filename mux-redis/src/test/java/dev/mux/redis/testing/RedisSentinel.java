package dev.mux.redis.testing;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

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
            int port = RedisServer.freePort();
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
        RedisServer.stopProcess(process);
        RedisServer.deleteRecursively(dir);
    }

    private void awaitMaster(String masterName, int masterPort) throws IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("redis-server --sentinel exited; log:\n"
                        + Files.readString(dir.resolve("sentinel.log")));
            }
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
                socket.setSoTimeout(1000);
                OutputStream out = socket.getOutputStream();
                out.write(RedisServer.encodeCommand("SENTINEL", "get-master-addr-by-name", masterName));
                out.flush();
                // [host, port] once the Sentinel knows the master; nil before.
                Object address = RedisServer.readReply(new BufferedInputStream(socket.getInputStream()));
                if (address instanceof List<?> hostAndPort && hostAndPort.contains(Integer.toString(masterPort))) {
                    return;
                }
            } catch (IOException | IllegalStateException notYet) {
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
