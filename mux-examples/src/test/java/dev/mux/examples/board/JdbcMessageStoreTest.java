package dev.mux.examples.board;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mux.examples.Database;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JdbcMessageStoreTest {

    @TempDir
    Path dataDir;

    private Database database;
    private JdbcMessageStore store;

    @BeforeEach
    void open() {
        database = Database.openH2(dataDir);
        store = new JdbcMessageStore(database.dataSource());
        store.createSchema();
    }

    @AfterEach
    void close() {
        database.close();
    }

    @Test
    void createdMessagesGetIncreasingIdsAndTheCurrentTime() {
        Instant before = Instant.now().minusMillis(1);

        BoardMessage first = store.create("lobby", "Hello");
        BoardMessage second = store.create("lobby", "World");

        assertThat(first.id()).isPositive();
        assertThat(second.id()).isGreaterThan(first.id());
        assertThat(first.room()).isEqualTo("lobby");
        assertThat(first.message()).isEqualTo("Hello");
        assertThat(first.created()).isBetween(before, Instant.now());
        assertThat(first.created().getNano() % 1_000_000).isZero();
    }

    @Test
    void aFoundMessageEqualsTheCreatedOne() {
        BoardMessage created = store.create("lobby", "Gr\u00fc\u00dfe \uD83D\uDC4B");

        assertThat(store.find(created.id())).contains(created);
        assertThat(store.find(created.id() + 1000)).isEmpty();
    }

    @Test
    void aRoomListsItsOwnMessagesOldestFirst() {
        BoardMessage a = store.create("lobby", "a");
        store.create("other", "elsewhere");
        BoardMessage b = store.create("lobby", "b");

        assertThat(store.list("lobby", 10)).containsExactly(a, b);
        assertThat(store.list("empty", 10)).isEmpty();
    }

    @Test
    void aLimitedListKeepsTheNewestMessages() {
        for (int i = 1; i <= 5; i++) {
            store.create("lobby", "m" + i);
        }

        assertThat(store.list("lobby", 2)).extracting(BoardMessage::message).containsExactly("m4", "m5");
    }

    @Test
    void anUpdateChangesRoomAndTextButKeepsIdAndCreationTime() {
        BoardMessage created = store.create("lobby", "before");

        Optional<BoardMessage> updated = store.update(created.id(), "other", "after");

        assertThat(updated).contains(new BoardMessage(created.id(), "other", "after", created.created()));
        assertThat(store.list("lobby", 10)).isEmpty();
        assertThat(store.update(created.id() + 1, "lobby", "x")).isEmpty();
    }

    @Test
    void aDeleteReturnsTheMessageAsItWasAndOnlyOnce() {
        BoardMessage created = store.create("lobby", "bye");

        assertThat(store.delete(created.id())).contains(created);
        assertThat(store.delete(created.id())).isEmpty();
        assertThat(store.find(created.id())).isEmpty();
    }

    @Test
    void messagesSurviveClosingAndReopeningTheDatabase() {
        BoardMessage created = store.create("lobby", "persistent");
        database.close();

        database = Database.openH2(dataDir);
        store = new JdbcMessageStore(database.dataSource());
        store.createSchema();

        assertThat(store.list("lobby", 10)).containsExactly(created);
    }

    @Test
    void invalidInputIsRefusedBeforeTheDatabaseIsTouched() {
        assertThatThrownBy(() -> store.create("bad room", "x")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.create("lobby", " ")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.update(1, "lobby", "x".repeat(1001)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.list("lobby", 0)).hasMessage("limit must be from 1 to 1000, was 0");
        assertThatThrownBy(() -> store.list("lobby", 1001)).isInstanceOf(IllegalArgumentException.class);
        assertThat(store.list("lobby", 10)).isEmpty();
    }

    @Test
    void anUnreachableDatabaseFailsWithAStoreExceptionNamingTheOperation() {
        JdbcDataSource missing = new JdbcDataSource();
        missing.setURL("jdbc:h2:file:" + dataDir.resolve("missing") + ";IFEXISTS=TRUE");
        JdbcMessageStore broken = new JdbcMessageStore(missing);

        assertThatThrownBy(() -> broken.list("lobby", 10)).isInstanceOf(MessageStoreException.class)
                .hasMessageStartingWith("cannot list the messages of room lobby: ");
        assertThatThrownBy(() -> broken.create("lobby", "x")).isInstanceOf(MessageStoreException.class)
                .hasMessageStartingWith("cannot create a message in room lobby: ");
        assertThatThrownBy(broken::createSchema).isInstanceOf(MessageStoreException.class)
                .hasMessageStartingWith("cannot create table board_message: ");
    }

    @Test
    void creatingTheSchemaTwiceIsHarmless() {
        BoardMessage created = store.create("lobby", "kept");

        store.createSchema();

        assertThat(store.list("lobby", 10)).containsExactly(created);
    }

    @Test
    void listsAreImmutable() {
        store.create("lobby", "x");

        List<BoardMessage> list = store.list("lobby", 10);

        assertThatThrownBy(list::clear).isInstanceOf(UnsupportedOperationException.class);
    }
}
