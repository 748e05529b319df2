package dev.mux.examples.worker;

import dev.mux.consumer.Handles;
import dev.mux.layer.ChannelNames;
import dev.mux.layer.Message;
import dev.mux.worker.WorkerConsumer;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Objects;
import javax.imageio.ImageIO;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Generates thumbnails on request: the worker consumer behind the {@code thumbnails-generate}
 * channel.
 *
 * <p>It handles {@code {"type": "generate", "id": 42, "size": 128}} ({@code size} is optional,
 * {@value #DEFAULT_SIZE} by default, {@value #MIN_SIZE} to {@value #MAX_SIZE}): it renders a
 * PNG, keeps the result in the {@link ThumbnailStore}, and tells the {@code thumbnails} group
 * {@code {"type": "thumbnail.done", "id": 42, "size": 128, "url": "/thumbnails/42-128.png"}}.
 * A request it cannot serve (no integer {@code id}, a size out of range) is answered with
 * {@code {"type": "thumbnail.failed", "id": …, "error": "…"}} to the same group, so whoever
 * asked learns why, and the worker goes on.
 *
 * <p>Sent from Django:
 * <pre>{@code
 * async_to_sync(get_channel_layer().send)("thumbnails-generate", {"type": "generate", "id": 42})
 * }</pre>
 *
 * <p><b>Threading:</b> as every {@link WorkerConsumer}: one instance per receiver, its handler
 * called one message at a time on that receiver's thread. The store is shared and thread-safe.
 */
public final class ThumbnailWorker extends WorkerConsumer {

    /** The channel this consumer is meant to serve. */
    public static final String CHANNEL = "thumbnails-generate";
    /** The group that hears about finished (and failed) thumbnails. */
    public static final String DEFAULT_GROUP = "thumbnails";
    /** Edge length used when a request names none. */
    public static final int DEFAULT_SIZE = 128;
    /** The smallest edge length accepted. */
    public static final int MIN_SIZE = 16;
    /** The largest edge length accepted. */
    public static final int MAX_SIZE = 1024;

    private static final Logger log = LoggerFactory.getLogger(ThumbnailWorker.class);

    private final ThumbnailStore store;
    private final String group;

    /**
     * Creates a consumer that announces to {@value #DEFAULT_GROUP}.
     *
     * @param store where results go; shared by all instances
     */
    public ThumbnailWorker(ThumbnailStore store) {
        this(store, DEFAULT_GROUP);
    }

    /**
     * Creates a consumer that announces to a group of your choice.
     *
     * @param store where results go; shared by all instances
     * @param group a valid group name
     * @throws NullPointerException     if an argument is {@code null}
     * @throws IllegalArgumentException if the group name is invalid
     */
    public ThumbnailWorker(ThumbnailStore store, String group) {
        this.store = Objects.requireNonNull(store, "store must not be null");
        this.group = ChannelNames.requireValidGroup(group);
    }

    @Handles("generate")
    void generate(Message request) {
        Object rawId = request.get("id");
        if (!(rawId instanceof Long id)) {
            reject(rawId, "id", "'id' must be an integer, was " + describe(rawId));
            return;
        }
        Object rawSize = request.containsKey("size") ? request.get("size") : (long) DEFAULT_SIZE;
        if (!(rawSize instanceof Long size) || size < MIN_SIZE || size > MAX_SIZE) {
            reject(id, "size", "'size' must be an integer from " + MIN_SIZE + " to " + MAX_SIZE + ", was " + describe(rawSize));
            return;
        }
        byte[] png = render(id, size.intValue());
        Thumbnail thumbnail = new Thumbnail(id, size.intValue(), "/thumbnails/" + id + "-" + size + ".png", png.length);
        store.put(thumbnail);
        // Waiting here is fine (we are on a worker thread) and keeps the work in flight bounded.
        groupSend(group, Message.of("type", "thumbnail.done", "id", id, "size", size, "url", thumbnail.url()))
                .toCompletableFuture().join();
        log.debug("worker {} channel {}: thumbnail {} ({} px, {} bytes) done",
                scope().worker(), scope().channel(), id, size, png.length);
    }

    private void reject(Object id, String field, String error) {
        // The error text quotes the request; the log names only the field (no payloads above DEBUG).
        log.warn("worker {} channel {}: generate request rejected: bad '{}'", scope().worker(), scope().channel(), field);
        groupSend(group, Message.of("type", "thumbnail.failed", "id", id, "error", error))
                .toCompletableFuture().join();
    }

    private static String describe(Object value) {
        return value == null ? "missing" : value.getClass().getSimpleName() + " " + value;
    }

    /** Draws a placeholder picture whose colour follows the id, and encodes it as PNG. */
    private static byte[] render(long id, int size) {
        BufferedImage image = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setColor(new Color(Long.hashCode(id * 0x9E3779B97F4A7C15L) & 0xFFFFFF));
            g.fillRect(0, 0, size, size);
            g.setColor(Color.WHITE);
            g.drawRect(size / 8, size / 8, size - size / 4, size - size / 4);
        } finally {
            g.dispose();
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(image, "png", out);
        } catch (IOException e) {
            throw new UncheckedIOException("could not encode thumbnail " + id, e);
        }
        return out.toByteArray();
    }
}
