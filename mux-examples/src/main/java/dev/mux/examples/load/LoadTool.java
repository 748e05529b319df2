package dev.mux.examples.load;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * Command-line entry point of the load tool: N WebSocket clients in one chat room of any server
 * that speaks the Django Channels tutorial chat protocol (send {@code {"message": text}},
 * every member receives {@code {"message": text}}).
 *
 * <pre>
 * java -cp mux-examples/target/mux-examples.jar dev.mux.examples.load.LoadTool \
 *     --url ws://127.0.0.1:8080/ws/chat/bench/ --clients 50 --senders 1 --messages 2000 --rate 0
 * </pre>
 *
 * <p>Prints a table to standard output (progress goes to standard error) and, with
 * {@code --json FILE}, writes the {@link LoadReport} as JSON ({@code --json -} prints the JSON
 * instead of the table). Exit status: 0 when the run finished (losses are results, not
 * failures), 1 when no client could connect, 2 for invalid arguments.
 *
 * <p>Runs on the calling thread; not meant to be embedded (use {@link LoadRunner}).
 */
public final class LoadTool {

    /** Exit status of a run that finished. */
    public static final int EXIT_OK = 0;
    /** Exit status when no client could connect. */
    public static final int EXIT_NO_CONNECTION = 1;
    /** Exit status for invalid arguments. */
    public static final int EXIT_USAGE = 2;

    static final String USAGE = String.join("\n",
            "usage: LoadTool --url ws://127.0.0.1:PORT/ws/chat/ROOM/ [options]",
            "  --url URL                 chat room WebSocket URL; loopback only (127.0.0.0/8, [::1], localhost)",
            "  --clients N               clients in the room (default " + LoadConfig.DEFAULT_CLIENTS + ", max " + LoadConfig.MAX_CLIENTS + ")",
            "  --senders N               how many of them send (default " + LoadConfig.DEFAULT_SENDERS + ")",
            "  --messages N              measured messages per sender (default " + LoadConfig.DEFAULT_MESSAGES + ")",
            "  --rate R                  messages per second per sender; 0 = back to back (default 0)",
            "  --window N                most messages a sender has in flight (sent, not yet back at itself); 0 = no limit (default 0)",
            "  --serial                  send the next message only when the previous one reached every client (fan-out without queueing)",
            "  --warmup N                warm-up messages per sender before measuring (default 0)",
            "  --size N                  pad message texts to at least N characters (default 0)",
            "  --origin VALUE            Origin header (default http://HOST:PORT of the URL)",
            "  --connect-concurrency N   handshakes in flight at once (default " + LoadConfig.DEFAULT_CONNECT_CONCURRENCY + ")",
            "  --connect-timeout SEC     per handshake (default " + LoadConfig.DEFAULT_CONNECT_TIMEOUT.toSeconds() + ")",
            "  --idle-timeout SEC        after the last send, stop waiting when nothing arrives for this long (default "
                    + LoadConfig.DEFAULT_IDLE_TIMEOUT.toSeconds() + ")",
            "  --max-duration SEC        bound on the whole run (default " + LoadConfig.DEFAULT_MAX_DURATION.toSeconds()
                    + ", max " + LoadConfig.MAX_RUN_DURATION.toSeconds() + ")",
            "  --io-clients N            HTTP clients (I/O threads) to spread connections over (default "
                    + LoadConfig.DEFAULT_IO_CLIENTS + ")",
            "  --ping-interval SEC       idle connections ping the server this often, for servers with an idle timeout (default 0 = never)",
            "  --server-pid PID          local server process: report its RSS",
            "  --jvm-heap                also report the server JVM's live heap before/after connecting (jcmd; needs --server-pid)",
            "  --label NAME              name of the run in reports (default: the URL path)",
            "  --json FILE               also write the report as JSON to FILE ('-': print JSON instead of the table)",
            "  --help                    print this help");

    private LoadTool() {
    }

    /**
     * What the command line asked for.
     *
     * @param config the run, or null when only help was asked for
     * @param json where to write JSON, or null
     * @param help whether to print the help and exit
     */
    record Command(LoadConfig config, String json, boolean help) {
    }

    /**
     * Runs the tool and exits with its status.
     *
     * @param args the command line; see {@code --help}
     * @throws InterruptedException if interrupted while running
     */
    public static void main(String[] args) throws InterruptedException {
        System.exit(run(args, System.out, System.err));
    }

    /**
     * Runs the tool without exiting the JVM.
     *
     * @param args the command line
     * @param out where the table (or JSON) goes
     * @param err where progress and errors go
     * @return the exit status
     * @throws InterruptedException if interrupted while running
     */
    public static int run(String[] args, PrintStream out, PrintStream err) throws InterruptedException {
        Command command;
        try {
            command = parse(args);
        } catch (IllegalArgumentException e) {
            err.println("error: " + e.getMessage());
            err.println(USAGE);
            return EXIT_USAGE;
        }
        if (command.help()) {
            out.println(USAGE);
            return EXIT_OK;
        }
        LoadReport report;
        try {
            report = new LoadRunner(command.config(), err).run();
        } catch (IllegalArgumentException e) {
            err.println("error: " + e.getMessage());
            return EXIT_USAGE;
        }
        if ("-".equals(command.json())) {
            out.println(report.toJson());
        } else {
            out.print(report.toTable());
            if (command.json() != null) {
                try {
                    Files.writeString(Path.of(command.json()), report.toJson() + "\n", StandardCharsets.UTF_8);
                } catch (IOException e) {
                    err.println("error: cannot write " + command.json() + ": " + e.getMessage());
                    return EXIT_USAGE;
                }
            }
        }
        out.flush();
        return report.connect().connected() == 0 ? EXIT_NO_CONNECTION : EXIT_OK;
    }

    /**
     * Parses a command line.
     *
     * @param args the arguments
     * @return the command
     * @throws IllegalArgumentException naming the first bad argument
     */
    static Command parse(String... args) {
        Objects.requireNonNull(args, "args");
        String url = null;
        String json = null;
        Set<String> seen = new HashSet<>();
        java.util.Map<String, String> values = new java.util.LinkedHashMap<>();
        boolean jvmHeap = false;
        boolean serial = false;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("--help") || arg.equals("-h")) {
                return new Command(null, null, true);
            }
            if (!arg.startsWith("--")) {
                throw new IllegalArgumentException("unexpected argument: " + arg);
            }
            if (!seen.add(arg)) {
                throw new IllegalArgumentException("option given twice: " + arg);
            }
            if (arg.equals("--jvm-heap")) {
                jvmHeap = true;
                continue;
            }
            if (arg.equals("--serial")) {
                serial = true;
                continue;
            }
            if (!OPTIONS_WITH_VALUE.contains(arg)) {
                throw new IllegalArgumentException("unknown option: " + arg);
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(arg + " needs a value");
            }
            values.put(arg, args[++i]);
        }
        url = values.remove("--url");
        if (url == null) {
            throw new IllegalArgumentException("--url is required");
        }
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("--url is not a URI: " + url);
        }
        LoadConfig.Builder b;
        try {
            b = LoadConfig.builder(uri);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--" + e.getMessage());
        }
        json = values.remove("--json");
        for (var e : values.entrySet()) {
            String name = e.getKey();
            String value = e.getValue();
            switch (name) {
                case "--clients" -> b.clients(intValue(name, value));
                case "--senders" -> b.senders(intValue(name, value));
                case "--messages" -> b.messages(intValue(name, value));
                case "--rate" -> b.rate(doubleValue(name, value));
                case "--warmup" -> b.warmup(intValue(name, value));
                case "--window" -> b.window(intValue(name, value));
                case "--size" -> b.size(intValue(name, value));
                case "--origin" -> b.origin(value);
                case "--connect-concurrency" -> b.connectConcurrency(intValue(name, value));
                case "--connect-timeout" -> b.connectTimeout(seconds(name, value));
                case "--idle-timeout" -> b.idleTimeout(seconds(name, value));
                case "--max-duration" -> b.maxDuration(seconds(name, value));
                case "--io-clients" -> b.ioClients(intValue(name, value));
                case "--ping-interval" -> b.pingInterval(Duration.ofNanos((long) (nonNegative(name, value) * 1e9)));
                case "--server-pid" -> b.serverPid(longValue(name, value));
                case "--label" -> b.label(value);
                default -> throw new IllegalArgumentException("unknown option: " + name);
            }
        }
        b.jvmHeap(jvmHeap);
        b.serial(serial);
        try {
            return new Command(b.build(), json, false);
        } catch (IllegalArgumentException e) {
            // Name the command-line option rather than the builder method.
            throw new IllegalArgumentException("--" + toOption(e.getMessage()));
        }
    }

    private static final Set<String> OPTIONS_WITH_VALUE = Set.of("--url", "--clients", "--senders", "--messages",
            "--rate", "--window", "--warmup", "--size", "--origin", "--connect-concurrency", "--connect-timeout", "--idle-timeout",
            "--max-duration", "--io-clients", "--ping-interval", "--server-pid", "--label", "--json");

    private static String toOption(String message) {
        // "connectConcurrency must be ..." -> "connect-concurrency must be ..."
        int space = message.indexOf(' ');
        String head = space < 0 ? message : message.substring(0, space);
        String tail = space < 0 ? "" : message.substring(space);
        StringBuilder sb = new StringBuilder();
        for (char c : head.toCharArray()) {
            if (Character.isUpperCase(c)) {
                sb.append('-').append(Character.toLowerCase(c));
            } else {
                sb.append(c);
            }
        }
        return sb + tail;
    }

    private static int intValue(String name, String value) {
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be an integer: " + value);
        }
    }

    private static long longValue(String name, String value) {
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be an integer: " + value);
        }
    }

    private static double doubleValue(String name, String value) {
        try {
            double d = Double.parseDouble(value.trim());
            if (Double.isNaN(d) || Double.isInfinite(d)) {
                throw new NumberFormatException();
            }
            return d;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a number: " + value);
        }
    }

    private static double nonNegative(String name, String value) {
        double s = doubleValue(name, value);
        if (s < 0) {
            throw new IllegalArgumentException(name + " must not be negative: " + value);
        }
        return s;
    }

    private static Duration seconds(String name, String value) {
        double s = doubleValue(name, value);
        if (s <= 0) {
            throw new IllegalArgumentException(name + " must be positive: " + value);
        }
        return Duration.ofNanos((long) (s * 1e9));
    }
}
