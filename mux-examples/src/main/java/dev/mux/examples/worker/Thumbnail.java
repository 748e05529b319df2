package dev.mux.examples.worker;

import java.util.Objects;

/**
 * A generated thumbnail: which picture, how big, and where it can be fetched.
 *
 * <p>Instances are immutable and thread-safe.
 *
 * @param id      the picture's id
 * @param size    the edge length in pixels
 * @param url     where the generated image is served from
 * @param byteLen the size of the encoded image in bytes
 */
public record Thumbnail(long id, int size, String url, int byteLen) {

    /**
     * Validates the thumbnail.
     *
     * @throws NullPointerException     if {@code url} is {@code null}
     * @throws IllegalArgumentException if {@code size} or {@code byteLen} is not positive
     */
    public Thumbnail {
        Objects.requireNonNull(url, "url must not be null");
        if (size <= 0) {
            throw new IllegalArgumentException("size must be positive, was " + size);
        }
        if (byteLen <= 0) {
            throw new IllegalArgumentException("byteLen must be positive, was " + byteLen);
        }
    }
}
