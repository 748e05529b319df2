package dev.mux.examples.testing;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * A scrape of the example server's {@code /metrics} (Prometheus text format), read as
 * {@code name{labels} -> value}.
 *
 * @param values every sample by its full name with labels, as printed
 * @param text   the scrape as served
 */
public record Metrics(Map<String, Double> values, String text) {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /**
     * Scrapes a server.
     *
     * @param server the server's page URL ({@code http://host:port/})
     * @return the samples
     */
    public static Metrics scrape(URI server) {
        HttpResponse<String> response;
        try {
            response = HTTP.send(HttpRequest.newBuilder(server.resolve("/metrics")).timeout(Duration.ofSeconds(10))
                    .build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new AssertionError("cannot scrape " + server + "metrics: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
        if (response.statusCode() != 200) {
            throw new AssertionError("GET /metrics answered " + response.statusCode());
        }
        if (!response.headers().firstValue("content-type").orElse("").startsWith("text/plain")) {
            throw new AssertionError("GET /metrics is not Prometheus text: " + response.headers());
        }
        Map<String, Double> values = new HashMap<>();
        for (String line : response.body().split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int space = line.lastIndexOf(' ');
            values.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
        }
        return new Metrics(Map.copyOf(values), response.body());
    }

    /**
     * Returns a sample, or 0 when it is absent.
     *
     * @param name   the metric name, e.g. {@code mux_dropped_total}
     * @param labels label name and value pairs, e.g. {@code "cause", "slow_client"}
     * @return the value
     */
    public double get(String name, String... labels) {
        for (Map.Entry<String, Double> e : values.entrySet()) {
            String key = e.getKey();
            if (!(key.equals(name) || key.startsWith(name + "{"))) {
                continue;
            }
            boolean all = true;
            for (int i = 0; i + 1 < labels.length; i += 2) {
                all &= key.contains(labels[i] + "=\"" + labels[i + 1] + "\"");
            }
            if (all) {
                return e.getValue();
            }
        }
        return 0;
    }
}
