package dev.mux.examples;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Serves the example's web page — {@code index.html}, {@code app.js}, {@code mux.js},
 * {@code style.css} and the icon — from the class path, in any servlet container.
 *
 * <p>Mapped at {@code /}: the page is {@code /} and its files sit beside it, so the page finds
 * the sockets and the REST API by relative URLs wherever the application is mounted. Files are
 * sent with an {@code ETag} and {@code Cache-Control: no-cache}, so browsers revalidate and
 * never run a stale {@code mux.js}.
 *
 * <p><b>Threading:</b> thread-safe; the container calls it on its request threads.
 */
public final class WebPageServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    /** The class-path folder the files are served from. */
    public static final String RESOURCE_ROOT = "dev/mux/examples/web/";

    /** The files served, by URL path. */
    public static final List<String> FILES = List.of(
            "index.html", "app.js", "mux.js", "style.css", "favicon.svg");

    private static final Map<String, String> TYPES = Map.of(
            "html", "text/html;charset=utf-8",
            "js", "text/javascript;charset=utf-8",
            "css", "text/css;charset=utf-8",
            "svg", "image/svg+xml");

    private final transient Map<String, File> cache = new ConcurrentHashMap<>();

    private record File(byte[] content, String type, String etag) {
    }

    /** Creates the servlet; files are read from the class path on first use. */
    public WebPageServlet() {
    }

    /**
     * Sends a file, or a 304 when the browser's copy is current, or a 404.
     *
     * @param request  the request
     * @param response the response
     * @throws IOException if the client connection fails
     */
    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String path = request.getServletPath() + (request.getPathInfo() == null ? "" : request.getPathInfo());
        String name = path.equals("/") || path.isEmpty() ? "index.html" : path.substring(1);
        if (!FILES.contains(name)) {
            response.setStatus(404);
            response.setContentType("text/plain;charset=utf-8");
            response.getOutputStream().write(("Not found: " + path + "\n").getBytes(StandardCharsets.UTF_8));
            return;
        }
        File file = cache.computeIfAbsent(name, WebPageServlet::load);
        response.setHeader("ETag", file.etag());
        response.setHeader("Cache-Control", "no-cache");
        response.setHeader("X-Content-Type-Options", "nosniff");
        if (file.etag().equals(request.getHeader("If-None-Match"))) {
            response.setStatus(304);
            return;
        }
        response.setContentType(file.type());
        response.setContentLength(file.content().length);
        if (!request.getMethod().equals("HEAD")) {
            response.getOutputStream().write(file.content());
        }
    }

    private static File load(String name) {
        try (InputStream in = WebPageServlet.class.getClassLoader().getResourceAsStream(RESOURCE_ROOT + name)) {
            if (in == null) {
                throw new IllegalStateException("the page file " + RESOURCE_ROOT + name
                        + " is missing from the class path; the build is broken");
            }
            byte[] content = in.readAllBytes();
            String extension = name.substring(name.lastIndexOf('.') + 1);
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(content);
            String etag = "\"" + HexFormat.of().formatHex(digest, 0, 12) + "\"";
            return new File(content, TYPES.get(extension), etag);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every Java platform", e);
        }
    }
}
