package dev.mux.examples.load;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.locks.LockSupport;

/**
 * Measures the latency floor of the machine a chat benchmark runs on: what any server's
 * latency includes before it does any work of its own.
 *
 * <p>Once per interval (50 ms by default, the gap between messages at 20 msg/s), the probe
 * sleeps until a scheduled instant, notes how late its thread woke, then sends 32 bytes over a
 * loopback TCP connection to an echo thread of the same process and waits for them to come
 * back. Both sides start idle, as in a paced chat run, so each round trip pays for waking two
 * idle threads and two loopback writes. A chat delivery through any server pays at least this
 * (plus the WebSocket framing, the server's own thread hand-offs and a fan-out), and the load
 * tool's paced latency also includes the timer lateness.
 *
 * <pre>
 * java -cp mux-examples.jar dev.mux.examples.load.LoopbackFloor [--samples 400] [--interval-ms 50] [--json FILE]
 * </pre>
 *
 * <p>Runs on the calling thread plus one echo thread; loopback only.
 */
public final class LoopbackFloor {

    private static final int PAYLOAD = 32;
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private LoopbackFloor() {
    }

    /**
     * What one probe measured. Immutable and thread-safe.
     *
     * @param samples rounds measured
     * @param intervalMillis idle time between rounds
     * @param timerLateMillis per round: how late the thread woke after its scheduled instant
     * @param tcpRoundTripMillis per round: 32 bytes to an idle echo thread over loopback TCP and back
     */
    public record Floor(int samples, long intervalMillis, LatencyStats.Millis timerLateMillis,
                        LatencyStats.Millis tcpRoundTripMillis) {

        /** Validates that no part is missing. */
        public Floor {
            Objects.requireNonNull(timerLateMillis, "timerLateMillis");
            Objects.requireNonNull(tcpRoundTripMillis, "tcpRoundTripMillis");
        }

        /**
         * Renders the result as JSON.
         *
         * @return indented JSON
         */
        public String toJson() {
            try {
                return JSON.writeValueAsString(this);
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("cannot render the floor as JSON", e);
            }
        }

        /**
         * Reads a result written by {@link #toJson()}.
         *
         * @param json the JSON text
         * @return the result
         * @throws IllegalArgumentException if the text is not a result of this probe
         */
        public static Floor fromJson(String json) {
            try {
                return JSON.readValue(json, Floor.class);
            } catch (JsonProcessingException | RuntimeException e) {
                throw new IllegalArgumentException("not a loopback floor result: " + e.getMessage(), e);
            }
        }

        /**
         * Renders the result as two lines for a terminal.
         *
         * @return the text, lines separated by {@code \n}
         */
        public String toText() {
            return String.format(java.util.Locale.ROOT, "%-16s %s%n%-16s %s%n",
                    "timer late ms", percentiles(timerLateMillis), "TCP echo ms", percentiles(tcpRoundTripMillis));
        }

        private static String percentiles(LatencyStats.Millis m) {
            return "p50 " + LoadReport.fmt(m.p50()) + "  p99 " + LoadReport.fmt(m.p99()) + "  max "
                    + LoadReport.fmt(m.max()) + "  (n=" + m.count() + ")";
        }
    }

    /**
     * Measures the floor.
     *
     * @param samples rounds to measure, at least 1
     * @param interval idle time between rounds, positive
     * @return what was measured
     * @throws IOException if the loopback connection fails
     * @throws IllegalArgumentException if an argument is out of range
     */
    public static Floor measure(int samples, Duration interval) throws IOException {
        if (samples < 1) {
            throw new IllegalArgumentException("samples must be at least 1: " + samples);
        }
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("interval must be positive: " + interval);
        }
        long[] late = new long[samples];
        long[] roundTrip = new long[samples];
        try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Thread echo = new Thread(() -> echo(listener), "loopback-echo");
            echo.setDaemon(true);
            echo.start();
            try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), listener.getLocalPort())) {
                socket.setTcpNoDelay(true);
                OutputStream out = socket.getOutputStream();
                InputStream in = socket.getInputStream();
                byte[] buffer = new byte[PAYLOAD];
                long step = interval.toNanos();
                long next = System.nanoTime() + step;
                for (int i = 0; i < samples; i++, next += step) {
                    long wait;
                    while ((wait = next - System.nanoTime()) > 0) {
                        LockSupport.parkNanos(wait);
                    }
                    long woke = System.nanoTime();
                    late[i] = woke - next;
                    out.write(buffer);
                    readFully(in, buffer);
                    roundTrip[i] = System.nanoTime() - woke;
                    // A round that overran the interval starts the next one from now, not in a burst.
                    next = Math.max(next, System.nanoTime());
                }
            }
        }
        return new Floor(samples, interval.toMillis(), LatencyStats.of(late).toMillis(),
                LatencyStats.of(roundTrip).toMillis());
    }

    private static void echo(ServerSocket listener) {
        try (Socket peer = listener.accept()) {
            peer.setTcpNoDelay(true);
            InputStream in = peer.getInputStream();
            OutputStream out = peer.getOutputStream();
            byte[] buffer = new byte[PAYLOAD];
            int n;
            while ((n = in.read(buffer)) > 0) {
                out.write(buffer, 0, n);
            }
        } catch (IOException e) {
            // The probe closed the connection: the echo ends with it.
        }
    }

    private static void readFully(InputStream in, byte[] buffer) throws IOException {
        int got = 0;
        while (got < buffer.length) {
            int n = in.read(buffer, got, buffer.length - got);
            if (n < 0) {
                throw new IOException("the echo thread closed the connection");
            }
            got += n;
        }
    }

    /**
     * Runs the probe from the command line.
     *
     * @param args {@code [--samples N] [--interval-ms MS] [--json FILE]}
     * @throws IOException if the loopback connection fails or the JSON file cannot be written
     */
    public static void main(String[] args) throws IOException {
        int samples = 400;
        long intervalMillis = 50;
        Path json = null;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (i + 1 >= args.length) {
                usage("missing value after " + arg);
            }
            String value = args[++i];
            try {
                switch (arg) {
                    case "--samples" -> samples = Integer.parseInt(value);
                    case "--interval-ms" -> intervalMillis = Long.parseLong(value);
                    case "--json" -> json = Path.of(value);
                    default -> usage("unknown option " + arg);
                }
            } catch (NumberFormatException e) {
                usage(arg + " needs a whole number: " + value);
            }
        }
        if (samples < 1 || samples > 100_000 || intervalMillis < 1 || intervalMillis > 10_000) {
            usage("--samples must be in 1..100000 and --interval-ms in 1..10000");
        }
        Floor floor = measure(samples, Duration.ofMillis(intervalMillis));
        System.out.print(floor.toText());
        if (json != null) {
            Files.writeString(json, floor.toJson(), StandardCharsets.UTF_8);
        }
    }

    private static void usage(String problem) {
        System.err.println("LoopbackFloor: " + problem);
        System.err.println("usage: LoopbackFloor [--samples N] [--interval-ms MS] [--json FILE]");
        System.exit(2);
    }
}
