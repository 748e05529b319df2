package dev.mux.examples.metrics;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * Serves the meters in the Prometheus text format on {@code GET /metrics}.
 *
 * <p>The counts say how busy the server is and what it dropped, nothing about users or
 * messages; still, expose the port only where the monitoring is (the server listens on
 * loopback by default).
 *
 * <p><b>Threading:</b> thread-safe; the container calls it on its request threads.
 */
public final class MetricsServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    /** The content type of the Prometheus text exposition format. */
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final transient PrometheusMeterRegistry registry;

    /**
     * Creates the servlet.
     *
     * @param registry the registry to scrape
     */
    public MetricsServlet(PrometheusMeterRegistry registry) {
        this.registry = Objects.requireNonNull(registry, "registry");
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        byte[] body = registry.scrape().getBytes(StandardCharsets.UTF_8);
        response.setStatus(HttpServletResponse.SC_OK);
        response.setContentType(CONTENT_TYPE);
        response.setHeader("Cache-Control", "no-store");
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }
}
