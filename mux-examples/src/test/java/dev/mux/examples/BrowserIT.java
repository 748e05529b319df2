package dev.mux.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mux.examples.testing.Browser;
import dev.mux.examples.testing.Browser.Page;
import dev.mux.examples.testing.FreePorts;
import dev.mux.examples.testing.RedisProcess;
import dev.mux.examples.testing.ServerProcess;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The example page in headless Chromium against the server jar: two pages of one room, two
 * servers sharing a Redis, and a server restart under an open page.
 */
class BrowserIT {

    private static final String TOKEN = "browser-admin-token";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private static final String CHAT_STATUS = "[data-testid=chat-status]";
    private static final String BOARD_STATUS = "[data-testid=board-status]";
    private static final String CHAT_INPUT = "[data-testid=chat-input]";
    private static final String CHAT_SEND = "[data-testid=chat-send]";
    private static final String CHAT_LINE = "[data-testid=chat-line]";
    private static final String CHAT_SYSTEM = "[data-testid=chat-system]";
    private static final String BOARD_INPUT = "[data-testid=board-input]";
    private static final String BOARD_POST = "[data-testid=board-post]";
    private static final String BOARD_ITEM = "[data-testid=board-item]";

    @TempDir
    Path tmp;

    private static Browser browser;

    @BeforeAll
    static void launch() {
        browser = Browser.launch();
    }

    @AfterAll
    static void quit() {
        if (browser != null) {
            browser.close();
        }
    }

    private static URI room(ServerProcess server, String room) {
        return server.uri().resolve("#room=" + room);
    }

    private static URI adminRoom(ServerProcess server, String room) {
        return server.uri().resolve("#room=" + room + "&admin=" + TOKEN);
    }

    private static void awaitConnected(Page page) {
        page.waitForAttribute(CHAT_STATUS, "data-state", "open");
        page.waitForAttribute(BOARD_STATUS, "data-state", "open");
    }

    private static void chat(Page page, String text) {
        page.fill(CHAT_INPUT, text);
        page.click(CHAT_SEND);
    }

    private static void post(Page page, String text) {
        page.fill(BOARD_INPUT, text);
        page.click(BOARD_POST);
    }

    private static long restPost(ServerProcess server, String room, String message) throws Exception {
        String body = JSON.writeValueAsString(java.util.Map.of("room", room, "message", message));
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(server.uri().resolve("api/messages"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        return JSON.readTree(response.body()).get("id").asLong();
    }

    private static void restDelete(ServerProcess server, long id) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(server.uri().resolve("api/messages/" + id))
                .header("Authorization", "Bearer " + TOKEN).DELETE()
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(204);
    }

    private List<String> serverArgs(String dataDir, int port) {
        return List.of("--port", String.valueOf(port), "--data-dir", tmp.resolve(dataDir).toString(),
                "--admin-token", TOKEN);
    }

    @Test
    void twoPagesInOneRoomSeeEachOthersChatLinesAndBoardChanges() throws Exception {
        try (ServerProcess server = ServerProcess.start(serverArgs("one", 0))) {
            Page alice = browser.open("alice", adminRoom(server, "lobby"));
            Page bob = browser.open("bob", room(server, "lobby"));
            Page elsewhere = browser.open("elsewhere", room(server, "elsewhere"));
            awaitConnected(alice);
            awaitConnected(bob);
            awaitConnected(elsewhere);

            chat(alice, "Hello from Alice");
            bob.waitForText(CHAT_LINE, "Hello from Alice");
            chat(bob, "Hi Alice, Bob here");
            alice.waitForText(CHAT_LINE, "Hi Alice, Bob here");
            alice.waitForText(".chat-line.mine", "Hello from Alice");

            post(bob, "Pinned by Bob");
            alice.waitForText(BOARD_ITEM, "Pinned by Bob");
            bob.waitForText(BOARD_ITEM, "Pinned by Bob");

            long restId = restPost(server, "lobby", "Posted through the REST API");
            alice.waitForText(BOARD_ITEM, "Posted through the REST API");
            bob.waitForText(BOARD_ITEM, "Posted through the REST API");

            // The admin edits Bob's message; Bob's page sees the new text.
            alice.click(BOARD_ITEM + ":has-text('Pinned by Bob') [data-testid=board-edit]");
            alice.fill("[data-testid=board-edit-input]", "Pinned by Bob (edited by Alice)");
            alice.click("[data-testid=board-save]");
            bob.waitForText(BOARD_ITEM, "Pinned by Bob (edited by Alice)");

            // Only the admin page offers editing.
            alice.waitForCount("body.admin", "", 1);
            bob.waitForCount("body.admin", "", 0);

            // The admin deletes through the socket, then through REST; both pages follow.
            alice.click(BOARD_ITEM + ":has-text('edited by Alice') [data-testid=board-delete]");
            bob.waitForCount(BOARD_ITEM, "edited by Alice", 0);
            restDelete(server, restId);
            bob.waitForCount(BOARD_ITEM, "", 0);
            alice.waitForCount(BOARD_ITEM, "", 0);

            // The other room heard nothing of it.
            assertThat(elsewhere.texts(CHAT_LINE)).isEmpty();
            assertThat(elsewhere.texts(BOARD_ITEM)).isEmpty();

            // A scene for the README.
            chat(bob, "Is the board live on every page?");
            chat(alice, "Yes: post something and watch.");
            post(bob, "Stand-up moved to 10:30 \u2615");
            post(alice, "Release 0.1 is out!");
            restPost(server, "lobby", "Welcome to #lobby \u2014 this message came in through POST /api/messages");
            alice.waitForCount(BOARD_ITEM, "", 3);
            alice.waitForText(CHAT_LINE, "Yes: post something and watch.");
            alice.waitForCount(".board-item.flash", "", 0);
            alice.screenshot(screenshotPath());

            assertThat(alice.errors()).isEmpty();
            assertThat(bob.errors()).isEmpty();
            assertThat(elsewhere.errors()).isEmpty();
        }
    }

    @Test
    void pagesOnTwoServersSharingOneRedisSeeEachOthersMessages() {
        try (RedisProcess redis = RedisProcess.start();
             ServerProcess a = ServerProcess.start(List.of("--port", "0", "--data-dir", tmp.resolve("a").toString(),
                     "--redis", redis.uri().toString()));
             ServerProcess b = ServerProcess.start(List.of("--port", "0", "--data-dir", tmp.resolve("b").toString(),
                     "--redis", redis.uri().toString()))) {
            assertThat(a.stderr()).contains("Redis channel layer at 127.0.0.1:" + redis.port());
            Page onA = browser.open("on-a", room(a, "shared"));
            Page onB = browser.open("on-b", room(b, "shared"));
            awaitConnected(onA);
            awaitConnected(onB);

            chat(onA, "From server A");
            onB.waitForText(CHAT_LINE, "From server A");
            chat(onB, "From server B");
            onA.waitForText(CHAT_LINE, "From server B");

            post(onA, "Board post on A");
            onB.waitForText(BOARD_ITEM, "Board post on A");
            post(onB, "Board post on B");
            onA.waitForText(BOARD_ITEM, "Board post on B");

            assertThat(onA.errors()).isEmpty();
            assertThat(onB.errors()).isEmpty();
        }
    }

    @Test
    void aPageReconnectsByItselfAfterTheServerRestartsAndStillShowsTheStoredMessages() {
        int port = FreePorts.find();
        Page page;
        try (ServerProcess server = ServerProcess.start(serverArgs("restart", port))) {
            page = browser.open("restart", room(server, "restart"));
            awaitConnected(page);
            post(page, "Stored before the restart");
            page.waitForText(BOARD_ITEM, "Stored before the restart");

            assertThat(server.terminate()).isEqualTo(143);
        }
        page.waitForAttribute(CHAT_STATUS, "data-state", "reconnecting");
        page.waitForText(CHAT_SYSTEM, "Connection lost, reconnecting");

        try (ServerProcess again = ServerProcess.start(serverArgs("restart", port))) {
            awaitConnected(page);
            page.waitForText(CHAT_SYSTEM, "Reconnected.");
            page.waitForCount(BOARD_ITEM, "Stored before the restart", 1);

            chat(page, "Chatting again");
            page.waitForText(CHAT_LINE, "Chatting again");
            post(page, "Stored after the restart");
            page.waitForText(BOARD_ITEM, "Stored after the restart");
            assertThat(page.errors()).isEmpty();
        }
    }

    /**
     * Where the screenshot goes: {@code target/screenshot.png}, so a build leaves the tracked
     * files alone; copy it to {@code docs/screenshot.png} to refresh the one the README shows.
     */
    private static Path screenshotPath() {
        String property = System.getProperty("mux.examples.screenshot");
        return Path.of(property != null ? property : "target/screenshot.png");
    }
}
