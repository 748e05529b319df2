package dev.mux.examples.board;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mux.examples.Database;
import dev.mux.examples.testing.PostgresServer;
import dev.mux.examples.testing.ServerProcess;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The message store and the server on PostgreSQL: a private server started for this class on a
 * free loopback port (see {@link PostgresServer}), in a database created for this run.
 */
class PostgresMessageStoreIT {

    private static final String DATABASE = "mux_example_it_" + UUID.randomUUID().toString().replace("-", "");
    private static PostgresServer postgres;
    private static String url;

    @BeforeAll
    static void startPostgresAndCreateDatabase() throws SQLException {
        postgres = PostgresServer.start();
        try (Connection c = DriverManager.getConnection(postgres.jdbcUrl("postgres")); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + DATABASE);
        }
        url = postgres.jdbcUrl(DATABASE);
    }

    @AfterAll
    static void stopPostgres() {
        if (postgres != null) {
            postgres.close();
        }
    }

    @Test
    void theStoreCreatesListsUpdatesAndDeletesOnPostgres() {
        try (Database database = Database.openUrl(url)) {
            assertThat(database.description()).isEqualTo("PostgreSQL database 127.0.0.1:" + postgres.port() + "/" + DATABASE);
            JdbcMessageStore store = new JdbcMessageStore(database.dataSource());
            store.createSchema();
            store.createSchema();

            BoardMessage a = store.create("pg", "first \uD83D\uDC18");
            BoardMessage b = store.create("pg", "second");
            assertThat(b.id()).isGreaterThan(a.id());
            assertThat(store.list("pg", 10)).containsExactly(a, b);
            assertThat(store.find(a.id())).contains(a);

            assertThat(store.update(a.id(), "pg", "edited")).contains(new BoardMessage(a.id(), "pg", "edited", a.created()));
            assertThat(store.delete(b.id())).contains(b);
            assertThat(store.delete(b.id())).isEmpty();
            assertThat(store.list("pg", 10)).extracting(BoardMessage::message).containsExactly("edited");
        }
    }

    @Test
    void twoServersSharingOneDatabaseShowTheSameBoard() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        try (ServerProcess a = ServerProcess.start(List.of("--port", "0", "--jdbc-url", url));
             ServerProcess b = ServerProcess.start(List.of("--port", "0", "--jdbc-url", url))) {
            assertThat(a.stderr()).as(a.stderr()).contains("PostgreSQL database 127.0.0.1:" + postgres.port() + "/" + DATABASE);

            HttpResponse<String> created = http.send(HttpRequest.newBuilder(a.uri().resolve("api/messages"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"room\": \"shared\", \"message\": \"via A\"}"))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(created.statusCode()).isEqualTo(201);

            HttpResponse<String> listed = http.send(HttpRequest.newBuilder(b.uri().resolve("api/messages?room=shared"))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(listed.body()).contains("\"via A\"");
        }
    }

    @Test
    void anUnreachableDatabaseFailsTheServerFast() {
        String wrong = postgres.jdbcUrl("no_such_database_" + UUID.randomUUID().toString().replace("-", ""));

        ServerProcess process = ServerProcess.start(List.of("--port", "0", "--jdbc-url", wrong));

        assertThat(process.awaitExit(Duration.ofSeconds(30))).isEqualTo(1);
        assertThat(process.stderr()).contains("mux-examples: cannot connect to the PostgreSQL database 127.0.0.1:" + postgres.port() + "/no_such_database_")
                .contains("does not exist");
        assertThat(URI.create(wrong).getScheme()).isEqualTo("jdbc");
    }
}
