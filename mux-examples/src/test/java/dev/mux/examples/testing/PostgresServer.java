package dev.mux.examples.testing;

import com.sun.security.auth.module.UnixSystem;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalNotFoundException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A private PostgreSQL server for tests: a fresh cluster in a temporary directory, listening on a
 * free loopback port, with trust authentication for the superuser {@code postgres}. Closing it
 * stops the server and deletes the directory, so nothing depends on (or disturbs) a PostgreSQL
 * the machine may already run.
 *
 * <p>The binaries are Debian's ({@code /usr/lib/postgresql/<version>/bin}, highest version; the
 * system property {@code mux.examples.postgres.bin} names another directory). PostgreSQL refuses
 * to run as root, so a root JVM runs {@code initdb} and {@code postgres} as the {@code postgres}
 * system user through {@code runuser}.
 *
 * <p>Threading: {@link #start()} and {@link #close()} are meant for one thread (a test class's
 * set-up and tear-down); the accessors may be called from any thread.
 */
public final class PostgresServer implements AutoCloseable {

    /** How long {@code initdb} may take, and then how long the server may take to accept a connection. */
    public static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    /** How long a fast shutdown may take before the server is killed. */
    public static final Duration STOP_TIMEOUT = Duration.ofSeconds(20);

    /** The superuser {@code initdb} creates; trusted without a password on loopback. */
    public static final String SUPERUSER = "postgres";

    private static final Path DEBIAN_VERSIONS = Path.of("/usr/lib/postgresql");
    private static final String INSTALL_HINT = "install Debian's PostgreSQL server (apt-get install postgresql)";

    private final Path directory;
    private final Path dataDirectory;
    private final int port;
    private final StringBuffer log = new StringBuffer();
    private volatile Process process;
    private volatile ProcessHandle postmaster;
    private final Thread shutdownHook = new Thread(this::stopQuietly, "postgres-test-server-stop");
    private boolean closed;

    private PostgresServer(Path directory, int port) {
        this.directory = directory;
        this.dataDirectory = directory.resolve("data");
        this.port = port;
    }

    /**
     * Creates a cluster in a new temporary directory, starts the server on a free loopback port
     * and waits until it accepts a JDBC connection.
     *
     * @return the running server
     * @throws IllegalStateException if PostgreSQL is not installed or does not start in time;
     *                               the message carries the server's log
     */
    public static PostgresServer start() {
        Path bin = binaries();
        boolean root = new UnixSystem().getUid() == 0;
        Path directory;
        try {
            directory = Files.createTempDirectory("mux-postgres-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temporary directory for PostgreSQL", e);
        }
        PostgresServer server = new PostgresServer(directory, FreePorts.find());
        try {
            if (root) {
                // initdb must own the parent to create the data directory (mode 0700) in it, and
                // the server puts its socket there.
                giveToPostgresUser(directory);
            }
            server.initdb(bin, root);
            server.launch(bin, root);
            server.awaitReady();
            return server;
        } catch (RuntimeException | Error e) {
            server.close();
            throw e;
        }
    }

    /**
     * Returns a JDBC URL for a database of this server, as the superuser.
     *
     * @param database the database name, e.g. {@code postgres} (always present)
     * @return {@code jdbc:postgresql://127.0.0.1:PORT/DATABASE?user=postgres}
     * @throws IllegalArgumentException if {@code database} is blank or contains URL syntax
     */
    public String jdbcUrl(String database) {
        if (database == null || database.isBlank() || !database.matches("[A-Za-z0-9_]+")) {
            throw new IllegalArgumentException("database must be a plain name (letters, digits, _), was " + database);
        }
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database + "?user=" + SUPERUSER;
    }

    /**
     * Returns the loopback port the server listens on.
     *
     * @return the port
     */
    public int port() {
        return port;
    }

    /**
     * Returns what the server (and {@code initdb}) logged so far, for failure messages.
     *
     * @return the log text
     */
    public String log() {
        return log.toString();
    }

    /**
     * Stops the server with a fast shutdown (SIGINT: running transactions are rolled back),
     * kills it if it does not stop within {@link #STOP_TIMEOUT}, and deletes its directory.
     * Closing twice does nothing.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        stopQuietly();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException | IllegalArgumentException e) {
            // The JVM is shutting down, or the hook was never registered: nothing to remove.
        }
        deleteDirectory();
    }

    private static Path binaries() {
        String property = System.getProperty("mux.examples.postgres.bin");
        if (property != null) {
            Path bin = Path.of(property);
            if (!hasServerBinaries(bin)) {
                throw new IllegalStateException("mux.examples.postgres.bin=" + property
                        + " has no executable initdb and postgres");
            }
            return bin;
        }
        List<Path> found = new ArrayList<>();
        if (Files.isDirectory(DEBIAN_VERSIONS)) {
            try (Stream<Path> versions = Files.list(DEBIAN_VERSIONS)) {
                versions.filter(v -> v.getFileName().toString().matches("\\d+(\\.\\d+)?"))
                        .map(v -> v.resolve("bin"))
                        .filter(PostgresServer::hasServerBinaries)
                        .forEach(found::add);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot list " + DEBIAN_VERSIONS, e);
            }
        }
        return found.stream()
                .max(Comparator.comparingDouble(b -> Double.parseDouble(b.getParent().getFileName().toString())))
                .orElseThrow(() -> new IllegalStateException("no PostgreSQL server binaries (initdb, postgres) in "
                        + DEBIAN_VERSIONS + "/<version>/bin: " + INSTALL_HINT));
    }

    private static boolean hasServerBinaries(Path bin) {
        return Files.isExecutable(bin.resolve("initdb")) && Files.isExecutable(bin.resolve("postgres"));
    }

    private static void giveToPostgresUser(Path directory) {
        try {
            UserPrincipal user = directory.getFileSystem().getUserPrincipalLookupService()
                    .lookupPrincipalByName(SUPERUSER);
            Files.setOwner(directory, user);
        } catch (UserPrincipalNotFoundException e) {
            throw new IllegalStateException("running as root, but there is no 'postgres' system user to run"
                    + " PostgreSQL as: " + INSTALL_HINT, e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot give " + directory + " to the postgres user", e);
        }
    }

    private static List<String> asPostgresUser(boolean root, List<String> command) {
        if (!root) {
            return command;
        }
        List<String> wrapped = new ArrayList<>(List.of("runuser", "-u", SUPERUSER, "--"));
        wrapped.addAll(command);
        return wrapped;
    }

    private void initdb(Path bin, boolean root) {
        // --no-locale: the cluster must not depend on which locales the machine has generated;
        // --no-sync: a throwaway cluster needs no fsync.
        List<String> command = asPostgresUser(root, List.of(bin.resolve("initdb").toString(),
                "-D", dataDirectory.toString(), "-A", "trust", "-U", SUPERUSER, "-E", "UTF8",
                "--no-locale", "--no-sync"));
        Process initdb = run(command, "postgres-initdb-output");
        try {
            if (!initdb.waitFor(START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                initdb.descendants().forEach(ProcessHandle::destroyForcibly);
                initdb.destroyForcibly();
                throw new IllegalStateException("initdb did not finish within " + START_TIMEOUT + ":\n" + log);
            }
            initdb.getInputStream().close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            initdb.destroyForcibly();
            throw new IllegalStateException("interrupted while initdb ran", e);
        } catch (IOException e) {
            // Closing the pipe after exit cannot lose anything; the reader thread already has it.
        }
        if (initdb.exitValue() != 0) {
            throw new IllegalStateException("initdb failed (exit " + initdb.exitValue() + ") with "
                    + String.join(" ", command) + ":\n" + log);
        }
    }

    private void launch(Path bin, boolean root) {
        // fsync=off: a throwaway cluster; the socket goes into our directory, not /var/run.
        List<String> command = asPostgresUser(root, List.of(bin.resolve("postgres").toString(),
                "-D", dataDirectory.toString(), "-p", String.valueOf(port),
                "-c", "listen_addresses=127.0.0.1", "-k", directory.toString(), "-c", "fsync=off"));
        process = run(command, "postgres-server-output");
        // Should the JVM end without close(), the server must not outlive it.
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    private Process run(List<String> command, String readerName) {
        Process started;
        try {
            started = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + command.get(0) + ": " + INSTALL_HINT, e);
        }
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(
                    new InputStreamReader(started.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    log.append(line).append('\n');
                }
            } catch (IOException ignored) {
                // The process is gone.
            }
        }, readerName);
        reader.setDaemon(true);
        reader.start();
        return started;
    }

    /**
     * Waits until a connection succeeds and reaches this cluster: checking the data directory
     * makes sure a foreign server that grabbed the port in the meantime is not mistaken for ours.
     */
    private void awaitReady() {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        SQLException last = null;
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("PostgreSQL exited (code " + process.exitValue()
                        + ") before accepting connections:\n" + log);
            }
            try (Connection c = DriverManager.getConnection(jdbcUrl("postgres") + "&connectTimeout=5");
                 Statement s = c.createStatement();
                 ResultSet r = s.executeQuery("SHOW data_directory")) {
                r.next();
                if (!Path.of(r.getString(1)).equals(dataDirectory)) {
                    throw new IllegalStateException("port " + port + " answers with another PostgreSQL server (data "
                            + r.getString(1) + "), not ours:\n" + log);
                }
                postmaster = postmasterPid().flatMap(ProcessHandle::of).orElseThrow(() ->
                        new IllegalStateException("PostgreSQL accepts connections but wrote no "
                                + dataDirectory.resolve("postmaster.pid") + ":\n" + log));
                return;
            } catch (SQLException e) {
                last = e;
            }
            try {
                // The server writes nothing we could block on when it becomes ready; poll gently.
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for PostgreSQL", e);
            }
        }
        throw new IllegalStateException("PostgreSQL did not accept a connection on 127.0.0.1:" + port
                + " within " + START_TIMEOUT + " (last error: " + (last == null ? "none" : last.getMessage())
                + "):\n" + log);
    }

    /** The first line of postmaster.pid is the server's process id. */
    private Optional<Long> postmasterPid() {
        try {
            List<String> lines = Files.readAllLines(dataDirectory.resolve("postmaster.pid"), StandardCharsets.UTF_8);
            return lines.isEmpty() ? Optional.empty() : Optional.of(Long.parseLong(lines.get(0).trim()));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    private void stopQuietly() {
        Process started = process;
        if (started == null) {
            return;
        }
        ProcessHandle server = postmaster;
        if (server == null) {
            // Not ready yet (start failed): the wrapper may not have reported the server's pid.
            server = postmasterPid().flatMap(ProcessHandle::of).orElse(null);
        }
        if (server != null && server.isAlive()) {
            // The postmaster may be a child of runuser, which would turn a signal it receives
            // into a smart shutdown followed by a kill; so the postmaster gets SIGINT directly.
            List<ProcessHandle> children = server.descendants().toList();
            signalInterrupt(server.pid());
            if (!awaitExit(server, STOP_TIMEOUT)) {
                log.append("(fast shutdown took longer than ").append(STOP_TIMEOUT).append(": killed)\n");
                server.destroyForcibly();
                children.forEach(ProcessHandle::destroyForcibly);
                awaitExit(server, STOP_TIMEOUT);
            }
            children.forEach(child -> awaitExit(child, STOP_TIMEOUT));
        }
        if (!awaitExit(started.toHandle(), STOP_TIMEOUT)) {
            started.descendants().forEach(ProcessHandle::destroyForcibly);
            started.destroyForcibly();
            awaitExit(started.toHandle(), STOP_TIMEOUT);
        }
    }

    /** Java can only send SIGTERM and SIGKILL; dash's built-in kill sends SIGINT (fast shutdown). */
    private void signalInterrupt(long pid) {
        try {
            Process kill = new ProcessBuilder("sh", "-c", "kill -INT \"$1\"", "sh", String.valueOf(pid))
                    .redirectErrorStream(true).start();
            if (!kill.waitFor(10, TimeUnit.SECONDS)) {
                kill.destroyForcibly();
            }
        } catch (IOException e) {
            log.append("(cannot send SIGINT to ").append(pid).append(": ").append(e.getMessage()).append(")\n");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static boolean awaitExit(ProcessHandle handle, Duration timeout) {
        try {
            handle.onExit().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return !handle.isAlive();
        } catch (Exception e) {
            return !handle.isAlive();
        }
    }

    private void deleteDirectory() {
        if (!Files.exists(directory)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(directory)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete the PostgreSQL directory " + directory, e);
        }
    }
}
