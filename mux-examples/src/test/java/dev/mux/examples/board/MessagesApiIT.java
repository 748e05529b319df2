package dev.mux.examples.board;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mux.examples.ExampleServer;
import dev.mux.examples.ServerOptions;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The board's REST API on a real embedded server, driven by a real HTTP client. */
class MessagesApiIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TOKEN = "admin-token-for-tests";

    @TempDir
    static Path dataDir;

    private static ExampleServer server;
    private static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    static void start() {
        server = ExampleServer.start(ServerOptions.builder().port(0).dataDir(dataDir).adminToken(TOKEN).build());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return http.send(request.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static URI api(String path) {
        return server.uri().resolve("api/messages" + path);
    }

    private static HttpResponse<String> post(String body) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(api("")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    private static JsonNode json(HttpResponse<String> response) throws IOException {
        return JSON.readTree(response.body());
    }

    @Test
    void aPostedMessageIsCreatedListedAndFound() throws Exception {
        HttpResponse<String> created = post("{\"room\": \"api-list\", \"message\": \"Hello\"}");

        assertThat(created.statusCode()).isEqualTo(201);
        JsonNode body = json(created);
        long id = body.get("id").asLong();
        assertThat(body.get("room").asText()).isEqualTo("api-list");
        assertThat(body.get("message").asText()).isEqualTo("Hello");
        assertThat(body.get("created").asText()).matches("\\d{4}-\\d\\d-\\d\\dT.*Z");
        assertThat(created.headers().firstValue("Location")).contains("/api/messages/" + id);
        assertThat(created.headers().firstValue("Content-Type")).hasValueSatisfying(
                t -> assertThat(t).startsWith("application/json"));

        HttpResponse<String> list = send(HttpRequest.newBuilder(api("?room=api-list")));
        assertThat(list.statusCode()).isEqualTo(200);
        assertThat(json(list)).hasSize(1);
        assertThat(json(list).get(0)).isEqualTo(body);

        HttpResponse<String> one = send(HttpRequest.newBuilder(api("/" + id)));
        assertThat(one.statusCode()).isEqualTo(200);
        assertThat(json(one)).isEqualTo(body);
    }

    @Test
    void deletingNeedsTheAdminTokenAsABearer() throws Exception {
        long id = json(post("{\"room\": \"api-delete\", \"message\": \"doomed\"}")).get("id").asLong();

        HttpResponse<String> anonymous = send(HttpRequest.newBuilder(api("/" + id)).DELETE());
        assertThat(anonymous.statusCode()).isEqualTo(401);
        assertThat(anonymous.headers().firstValue("WWW-Authenticate")).contains("Bearer realm=\"mux-examples\"");
        assertThat(json(anonymous).get("errors").get(0).asText()).contains("admin token");

        HttpResponse<String> wrong = send(HttpRequest.newBuilder(api("/" + id))
                .header("Authorization", "Bearer not-the-token").DELETE());
        assertThat(wrong.statusCode()).isEqualTo(403);
        assertThat(json(wrong).get("errors").get(0).asText()).isEqualTo("the admin token is wrong");

        HttpResponse<String> deleted = send(HttpRequest.newBuilder(api("/" + id))
                .header("Authorization", "Bearer " + TOKEN).DELETE());
        assertThat(deleted.statusCode()).isEqualTo(204);
        assertThat(json(send(HttpRequest.newBuilder(api("?room=api-delete"))))).isEmpty();

        HttpResponse<String> again = send(HttpRequest.newBuilder(api("/" + id))
                .header("Authorization", "Bearer " + TOKEN).DELETE());
        assertThat(again.statusCode()).isEqualTo(404);
        assertThat(json(again).get("errors").get(0).asText()).isEqualTo("no message with id " + id);
    }

    @Test
    void invalidPostsAreRefusedWithAReasonAndStoreNothing() throws Exception {
        assertError(post("{not json"), 400, "the body is not valid JSON");
        assertError(post("[1, 2]"), 400, "the body must be a JSON object");
        assertError(post("{\"message\": \"no room\"}"), 400, "'room' is required and must be a string");
        assertError(post("{\"room\": \"api-bad\"}"), 400, "'message' is required and must be a string");
        assertError(post("{\"room\": \"api-bad\", \"message\": 5}"), 400, "'message' is required and must be a string");
        assertError(post("{\"room\": \"bad room\", \"message\": \"x\"}"), 400, "room must be 1 to 64 letters");
        assertError(post("{\"room\": \"api-bad\", \"message\": \"   \"}"), 400, "message must not be blank");
        assertError(post("{\"room\": \"api-bad\", \"message\": \"" + "x".repeat(1001) + "\"}"), 400,
                "message must be at most 1000 characters, was 1001");
        assertError(post("{\"room\": \"api-bad\", \"message\": \"" + "x".repeat(20_000) + "\"}"), 413,
                "the body must be at most 16384 bytes");
        assertError(send(HttpRequest.newBuilder(api("")).header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString("{\"room\": \"api-bad\", \"message\": \"x\"}"))), 415,
                "Content-Type: application/json");

        assertThat(json(send(HttpRequest.newBuilder(api("?room=api-bad"))))).isEmpty();
    }

    @Test
    void badQueriesAndPathsAreAnsweredInJson() throws Exception {
        assertError(send(HttpRequest.newBuilder(api(""))), 400, "query parameter 'room' is required");
        assertError(send(HttpRequest.newBuilder(api("?room=a%20b"))), 400, "room must be 1 to 64 letters");
        assertError(send(HttpRequest.newBuilder(api("?room=lobby&limit=0"))), 400, "limit must be from 1 to 1000");
        assertError(send(HttpRequest.newBuilder(api("?room=lobby&limit=x"))), 400, "was 'x'");
        assertError(send(HttpRequest.newBuilder(api("/abc"))), 404, "message ids are positive integers");
        assertError(send(HttpRequest.newBuilder(api("/999999"))), 404, "no message with id 999999");
        HttpResponse<String> put = send(HttpRequest.newBuilder(api("/1")).PUT(HttpRequest.BodyPublishers.ofString("{}")));
        assertError(put, 405, "method PUT is not allowed here");
        assertThat(put.headers().firstValue("Allow")).contains("GET, HEAD, POST, DELETE");
        assertError(send(HttpRequest.newBuilder(api("")).DELETE()), 405, "DELETE a message at /api/messages/{id}");
    }

    @Test
    void aLimitKeepsTheNewestMessages() throws Exception {
        for (int i = 1; i <= 3; i++) {
            post("{\"room\": \"api-limit\", \"message\": \"m" + i + "\"}");
        }

        JsonNode list = json(send(HttpRequest.newBuilder(api("?room=api-limit&limit=2"))));

        assertThat(list).extracting(n -> n.get("message").asText()).containsExactly("m2", "m3");
    }

    @Test
    void thePageAndItsFilesAreServedWithRevalidation() throws Exception {
        HttpResponse<String> page = send(HttpRequest.newBuilder(server.uri()));
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Type")).contains("text/html;charset=utf-8");
        assertThat(page.body()).contains("<script type=\"module\" src=\"app.js\"></script>");
        String etag = page.headers().firstValue("ETag").orElseThrow();

        HttpResponse<String> cached = send(HttpRequest.newBuilder(server.uri()).header("If-None-Match", etag));
        assertThat(cached.statusCode()).isEqualTo(304);

        HttpResponse<String> client = send(HttpRequest.newBuilder(server.uri().resolve("mux.js")));
        assertThat(client.statusCode()).isEqualTo(200);
        assertThat(client.headers().firstValue("Content-Type")).contains("text/javascript;charset=utf-8");
        assertThat(client.body()).contains("export class MuxSocket");

        assertThat(send(HttpRequest.newBuilder(server.uri().resolve("nothing.js"))).statusCode()).isEqualTo(404);
        // Jetty refuses the ambiguous path itself (400); either way nothing outside the page is served.
        assertThat(send(HttpRequest.newBuilder(server.uri().resolve("../pom.xml"))).statusCode()).isIn(400, 404);
    }

    private static void assertError(HttpResponse<String> response, int status, String error) throws IOException {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                t -> assertThat(t).startsWith("application/json"));
        assertThat(json(response).get("errors").get(0).asText()).contains(error);
    }
}
