package dev.mux.examples;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.ConnectionPoolDataSource;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcConnectionPool;
import org.h2.jdbcx.JdbcDataSource;
import org.postgresql.ds.PGConnectionPoolDataSource;

/**
 * The example server's database connection pool: an embedded H2 file database under the data
 * directory, or PostgreSQL at a JDBC URL.
 *
 * <p>Opening checks that the database is usable (one connection is made), so a server with a
 * bad data directory or an unreachable database fails at start with a clear message.
 *
 * <p><b>Threading:</b> thread-safe.
 */
public final class Database implements AutoCloseable {

    /** The most connections the pool keeps open. */
    public static final int DEFAULT_MAX_CONNECTIONS = 10;

    /** The name of the H2 database file (with H2's suffix) in the data directory. */
    public static final String H2_FILE_NAME = "mux-examples";

    private final JdbcConnectionPool pool;
    private final String description;

    private Database(JdbcConnectionPool pool, String description) {
        this.pool = pool;
        this.description = description;
    }

    /**
     * Opens the database the options name.
     *
     * @param options the server options; {@link ServerOptions#jdbcUrl()} wins over
     *                {@link ServerOptions#dataDir()}
     * @return the open pool
     * @throws StartupException if the data directory cannot be created or written, the
     *                          database is in use by another process, or it cannot be reached
     */
    public static Database open(ServerOptions options) {
        if (options.jdbcUrl().isPresent()) {
            return openUrl(options.jdbcUrl().get());
        }
        return openH2(options.dataDir());
    }

    /**
     * Opens an H2 database in a directory, creating the directory if needed.
     *
     * @param dataDir the directory
     * @return the open pool
     * @throws StartupException if the directory cannot be created or written, or the database
     *                          is in use by another process
     */
    public static Database openH2(Path dataDir) {
        Path dir = dataDir.toAbsolutePath().normalize();
        try {
            Files.createDirectories(dir);
            // Files.isWritable() says yes to root for any directory; a real write tells the truth.
            Path probe = Files.createTempFile(dir, ".write-check", ".tmp");
            Files.delete(probe);
        } catch (IOException | SecurityException e) {
            throw new StartupException("data directory " + dir + " is not writable (" + describe(e)
                    + "); choose another with --data-dir", e);
        }
        JdbcDataSource source = new JdbcDataSource();
        // DB_CLOSE_ON_EXIT=FALSE: the server closes the database itself, after the sockets.
        source.setURL("jdbc:h2:file:" + dir.resolve(H2_FILE_NAME) + ";DB_CLOSE_ON_EXIT=FALSE");
        source.setUser("sa");
        source.setPassword("");
        Database db = new Database(JdbcConnectionPool.create(source), "H2 database in " + dir);
        try {
            db.check();
        } catch (SQLException e) {
            db.close();
            String message = e.getErrorCode() == org.h2.api.ErrorCode.DATABASE_ALREADY_OPEN_1
                    ? "the database in data directory " + dir + " is in use by another process;"
                            + " give each server its own --data-dir, or share a --jdbc-url database"
                    : "cannot open the database in data directory " + dir + ": " + e.getMessage();
            throw new StartupException(message, e);
        }
        return db;
    }

    /**
     * Opens a database by JDBC URL; {@code jdbc:postgresql:} and {@code jdbc:h2:} URLs are
     * supported.
     *
     * @param url the JDBC URL
     * @return the open pool
     * @throws StartupException if the URL is of another database, or the database cannot be
     *                          reached
     */
    public static Database openUrl(String url) {
        ConnectionPoolDataSource source;
        String description;
        if (url.startsWith("jdbc:postgresql:")) {
            PGConnectionPoolDataSource pg = new PGConnectionPoolDataSource();
            pg.setURL(url);
            source = pg;
            description = "PostgreSQL database " + pg.getServerNames()[0] + ":" + pg.getPortNumbers()[0]
                    + "/" + pg.getDatabaseName();
        } else if (url.startsWith("jdbc:h2:")) {
            JdbcDataSource h2 = new JdbcDataSource();
            h2.setURL(url);
            source = h2;
            description = "H2 database " + url.replaceAll(";.*", "");
        } else {
            throw new StartupException("--jdbc-url: this server includes drivers for PostgreSQL"
                    + " (jdbc:postgresql:) and H2 (jdbc:h2:) only, was '" + url.replaceAll("[?;].*", "") + "'",
                    null);
        }
        Database db = new Database(JdbcConnectionPool.create(source), description);
        try {
            db.check();
        } catch (SQLException e) {
            db.close();
            throw new StartupException("cannot connect to the " + description + ": " + e.getMessage(), e);
        }
        return db;
    }

    /**
     * Returns the pooled data source.
     *
     * @return the data source; its connections must be closed by whoever takes them
     */
    public DataSource dataSource() {
        return pool;
    }

    /**
     * Describes the database for log lines, without credentials.
     *
     * @return for example {@code H2 database in /srv/mux/data}
     */
    public String description() {
        return description;
    }

    /** Closes every pooled connection; idempotent. */
    @Override
    public void close() {
        pool.dispose();
    }

    private void check() throws SQLException {
        pool.setMaxConnections(DEFAULT_MAX_CONNECTIONS);
        try (Connection c = pool.getConnection()) {
            if (!c.isValid(5)) {
                throw new SQLException("the connection is not valid");
            }
        }
    }

    private static String describe(Exception e) {
        if (e instanceof java.nio.file.FileAlreadyExistsException f) {
            return f.getFile() + " exists and is not a directory";
        }
        if (e instanceof java.nio.file.NotDirectoryException n) {
            return n.getFile() + " is not a directory";
        }
        if (e instanceof java.nio.file.AccessDeniedException a) {
            return "access denied to " + a.getFile();
        }
        if (e instanceof java.nio.file.FileSystemException f && f.getReason() != null) {
            return f.getFile() + ": " + f.getReason();
        }
        return e.toString();
    }
}
