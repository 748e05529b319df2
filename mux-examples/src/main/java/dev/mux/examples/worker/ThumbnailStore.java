package dev.mux.examples.worker;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Where {@link ThumbnailWorker}s put what they generated: in memory here; a real application
 * would use object storage or a database.
 *
 * <p>Thread-safe: every receiver of every worker in the process shares one store.
 */
public final class ThumbnailStore {

    private final Map<Long, Thumbnail> byId = new ConcurrentHashMap<>();

    /** Creates an empty store. */
    public ThumbnailStore() {
    }

    /**
     * Stores a thumbnail, replacing an earlier one of the same picture.
     *
     * @param thumbnail the thumbnail
     * @return the thumbnail it replaced, if any
     * @throws NullPointerException if {@code thumbnail} is {@code null}
     */
    public Optional<Thumbnail> put(Thumbnail thumbnail) {
        Objects.requireNonNull(thumbnail, "thumbnail must not be null");
        return Optional.ofNullable(byId.put(thumbnail.id(), thumbnail));
    }

    /**
     * Looks up the thumbnail of a picture.
     *
     * @param id the picture's id
     * @return its thumbnail, if generated
     */
    public Optional<Thumbnail> get(long id) {
        return Optional.ofNullable(byId.get(id));
    }

    /**
     * Returns how many thumbnails are stored.
     *
     * @return the count
     */
    public int size() {
        return byId.size();
    }
}
