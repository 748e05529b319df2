package dev.mux.examples.board;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The board's REST API, in JSON, mounted at {@code /api/messages/*}:
 *
 * <ul>
 *   <li>{@code GET /api/messages?room=R[&limit=N]} — the room's newest messages, oldest first
 *       (200, a JSON array of {@code {"id", "room", "message", "created"}}).</li>
 *   <li>{@code GET /api/messages/{id}} — one message (200, or 404).</li>
 *   <li>{@code POST /api/messages} with {@code {"room": R, "message": text}} and
 *       {@code Content-Type: application/json} — anyone may create (201 with the message and a
 *       {@code Location}).</li>
 *   <li>{@code DELETE /api/messages/{id}} with {@code Authorization: Bearer <admin token>} —
 *       deletes (204; 401 without a token, 403 with a wrong one, 404 if there is no such
 *       message).</li>
 * </ul>
 *
 * <p>Errors are {@code {"errors": ["<what was wrong>"]}} with a 4xx status; a database failure
 * is a 503. Every successful change is reported to {@link BoardEvents}, so pages watching the
 * board see REST changes live, as they see socket changes.
 *
 * <p><b>Threading:</b> thread-safe; the container calls it on its request threads.
 */
public final class MessagesServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;
    private static final Logger log = LoggerFactory.getLogger(MessagesServlet.class);

    /** The most messages {@code GET} returns unless {@code limit} asks for fewer. */
    public static final int DEFAULT_LIST_LIMIT = 200;

    /** The largest request body accepted, in bytes; a larger one gets 413. */
    public static final int MAX_BODY_BYTES = 16 * 1024;
    /** An oversized body up to this size is read and discarded so the client hears the 413. */
    private static final long DRAIN_LIMIT_BYTES = 1024 * 1024;

    private static final ObjectMapper JSON = new ObjectMapper();

    private final transient JdbcMessageStore store;
    private final transient BoardEvents events;
    private final byte[] adminToken;

    /**
     * Creates the servlet.
     *
     * @param store      where messages are kept
     * @param events     where changes are reported
     * @param adminToken the token that allows deleting
     */
    public MessagesServlet(JdbcMessageStore store, BoardEvents events, String adminToken) {
        this.store = Objects.requireNonNull(store, "store");
        this.events = Objects.requireNonNull(events, "events");
        this.adminToken = Objects.requireNonNull(adminToken, "adminToken").getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Dispatches by method, answering unsupported methods with a JSON 405.
     *
     * @param request  the request
     * @param response the response
     * @throws IOException if the client connection fails
     */
    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        try {
            switch (request.getMethod()) {
                case "GET", "HEAD" -> get(request, response);
                case "POST" -> post(request, response);
                case "DELETE" -> delete(request, response);
                default -> {
                    response.setHeader("Allow", "GET, HEAD, POST, DELETE");
                    error(response, 405, "method " + request.getMethod() + " is not allowed here");
                }
            }
        } catch (MessageStoreException e) {
            log.warn("{} {}: the database failed: {}", request.getMethod(), request.getRequestURI(), e.getMessage());
            error(response, 503, "the message database is unavailable, try again later");
        }
    }

    private void get(HttpServletRequest request, HttpServletResponse response) throws IOException {
        Optional<Long> id = id(request, response);
        if (id == null) {
            return;
        }
        if (id.isPresent()) {
            Optional<BoardMessage> message = store.find(id.get());
            if (message.isEmpty()) {
                error(response, 404, "no message with id " + id.get());
            } else {
                send(response, 200, toJson(message.get()));
            }
            return;
        }
        String room = request.getParameter("room");
        if (room == null) {
            error(response, 400, "query parameter 'room' is required");
            return;
        }
        int limit = DEFAULT_LIST_LIMIT;
        String limitParam = request.getParameter("limit");
        if (limitParam != null) {
            try {
                limit = Integer.parseInt(limitParam);
            } catch (NumberFormatException e) {
                limit = -1;
            }
            if (limit < 1 || limit > JdbcMessageStore.MAX_LIST_SIZE) {
                error(response, 400, "limit must be from 1 to " + JdbcMessageStore.MAX_LIST_SIZE
                        + ", was '" + limitParam + "'");
                return;
            }
        }
        List<BoardMessage> messages;
        try {
            messages = store.list(room, limit);
        } catch (IllegalArgumentException e) {
            error(response, 400, e.getMessage());
            return;
        }
        var array = JSON.createArrayNode();
        messages.forEach(m -> array.add(toJson(m)));
        send(response, 200, array);
    }

    private void post(HttpServletRequest request, HttpServletResponse response) throws IOException {
        Optional<Long> id = id(request, response);
        if (id == null) {
            return;
        }
        if (id.isPresent()) {
            response.setHeader("Allow", "GET, HEAD, DELETE");
            error(response, 405, "POST a new message to /api/messages, not to a message");
            return;
        }
        String contentType = request.getContentType();
        if (contentType == null || !contentType.toLowerCase(Locale.ROOT).startsWith("application/json")) {
            // Also keeps cross-site HTML forms (which cannot send JSON) from posting.
            error(response, 415, "the body must be JSON, sent with Content-Type: application/json");
            return;
        }
        long declared = request.getContentLengthLong();
        if (declared > DRAIN_LIMIT_BYTES) {
            // Too large to be worth reading: answer, and let the container close the connection.
            error(response, 413, "the body must be at most " + MAX_BODY_BYTES + " bytes");
            return;
        }
        byte[] body;
        try (InputStream in = request.getInputStream()) {
            body = in.readNBytes(MAX_BODY_BYTES + 1);
            if (body.length > MAX_BODY_BYTES) {
                // Read the rest (bounded) before answering: a client still writing its body would
                // otherwise see the connection reset instead of the 413.
                long left = DRAIN_LIMIT_BYTES;
                while (left > 0 && in.skip(Math.min(left, 8192)) > 0) {
                    left -= 8192;
                }
            }
        }
        if (body.length > MAX_BODY_BYTES) {
            error(response, 413, "the body must be at most " + MAX_BODY_BYTES + " bytes");
            return;
        }
        JsonNode json;
        try {
            json = JSON.readTree(body);
        } catch (JsonProcessingException e) {
            error(response, 400, "the body is not valid JSON: " + e.getOriginalMessage());
            return;
        }
        if (json == null || !json.isObject()) {
            error(response, 400, "the body must be a JSON object like {\"room\": \"lobby\", \"message\": \"Hello\"}");
            return;
        }
        JsonNode room = json.get("room");
        JsonNode text = json.get("message");
        if (room == null || !room.isTextual()) {
            error(response, 400, "'room' is required and must be a string");
            return;
        }
        if (text == null || !text.isTextual()) {
            error(response, 400, "'message' is required and must be a string");
            return;
        }
        BoardMessage created;
        try {
            created = store.create(room.asText(), text.asText());
        } catch (IllegalArgumentException e) {
            error(response, 400, e.getMessage());
            return;
        }
        events.saved(created, true);
        response.setHeader("Location", request.getRequestURI().replaceAll("/+$", "") + "/" + created.id());
        send(response, 201, toJson(created));
    }

    private void delete(HttpServletRequest request, HttpServletResponse response) throws IOException {
        Optional<Long> id = id(request, response);
        if (id == null) {
            return;
        }
        if (id.isEmpty()) {
            response.setHeader("Allow", "GET, HEAD, POST");
            error(response, 405, "DELETE a message at /api/messages/{id}");
            return;
        }
        String authorization = request.getHeader("Authorization");
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            response.setHeader("WWW-Authenticate", "Bearer realm=\"mux-examples\"");
            error(response, 401, "deleting needs the admin token in 'Authorization: Bearer <token>'");
            return;
        }
        byte[] token = authorization.substring(7).trim().getBytes(StandardCharsets.UTF_8);
        // Constant-time comparison: the time taken says nothing about how much of a guess was right.
        if (!MessageDigest.isEqual(token, adminToken)) {
            error(response, 403, "the admin token is wrong");
            return;
        }
        Optional<BoardMessage> deleted = store.delete(id.get());
        if (deleted.isEmpty()) {
            error(response, 404, "no message with id " + id.get());
            return;
        }
        events.deleted(deleted.get());
        response.setStatus(204);
    }

    /** Returns empty for the collection, the id for {@code /{id}}, or null after answering 404. */
    private static Optional<Long> id(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String path = request.getPathInfo();
        if (path == null || path.equals("/")) {
            return Optional.empty();
        }
        String segment = path.substring(1).replaceAll("/$", "");
        if (segment.matches("[1-9][0-9]{0,17}")) {
            return Optional.of(Long.parseLong(segment));
        }
        error(response, 404, "no such resource: message ids are positive integers, was '"
                + (segment.length() > 40 ? segment.substring(0, 40) + "..." : segment) + "'");
        return null;
    }

    /**
     * Converts a message to the JSON object the API and the page use.
     *
     * @param message the message
     * @return {@code {"id", "room", "message", "created"}} with {@code created} as an ISO-8601
     *         instant
     */
    public static ObjectNode toJson(BoardMessage message) {
        ObjectNode node = JSON.createObjectNode();
        node.put("id", message.id());
        node.put("room", message.room());
        node.put("message", message.message());
        node.put("created", message.created().toString());
        return node;
    }

    private static void send(HttpServletResponse response, int status, JsonNode body) throws IOException {
        response.setStatus(status);
        response.setContentType("application/json");
        response.setCharacterEncoding("UTF-8");
        response.setHeader("Cache-Control", "no-store");
        response.getOutputStream().write(JSON.writeValueAsBytes(body));
    }

    private static void error(HttpServletResponse response, int status, String error) throws IOException {
        ObjectNode body = JSON.createObjectNode();
        body.putArray("errors").add(error);
        send(response, status, body);
    }
}
