package dev.mux.redis;

import dev.mux.layer.CapacityRule;
import dev.mux.layer.LayerOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The configuration of a {@link RedisChannelLayer}: the shards, the key prefix, the
 * {@link LayerOptions} (capacity, expiry, group expiry), encryption keys and timeouts.
 *
 * <p>The defaults are channels_redis' defaults: one host {@value #DEFAULT_HOST}, prefix
 * {@value #DEFAULT_PREFIX}, capacity 100, expiry 60 s, group expiry 86400 s, no encryption.
 * A Java process and a Python process that share channels or groups must agree on the hosts
 * (same order), the prefix, the expiries and the encryption keys.
 *
 * <pre>{@code
 * RedisLayerOptions options = RedisLayerOptions.builder()
 *     .host("redis://10.0.0.5:6379")
 *     .host("redis://10.0.0.6:6379")           // a second shard
 *     .capacity(200)
 *     .symmetricEncryptionKeys(List.of(System.getenv("CHANNELS_KEY")))
 *     .build();
 * RedisChannelLayer layer = RedisChannelLayer.create(options);
 * }</pre>
 *
 * <p>Instances are immutable and thread-safe; {@link #toString()} shows neither passwords nor
 * keys. Builders are not thread-safe.
 */
public final class RedisLayerOptions {

    /** The host used when none is configured, as in channels_redis. */
    public static final String DEFAULT_HOST = "redis://localhost:6379";
    /** The key prefix used when none is configured, as in channels_redis. */
    public static final String DEFAULT_PREFIX = "asgi";
    /** How long an operation may wait for Redis to answer before it fails with {@code LayerUnavailableException}. */
    public static final Duration DEFAULT_COMMAND_TIMEOUT = Duration.ofSeconds(5);
    /** The longest pause between two reconnection attempts of the receive loop. */
    public static final Duration DEFAULT_MAX_RECONNECT_DELAY = Duration.ofSeconds(2);

    private static final RedisLayerOptions DEFAULTS = builder().build();

    private final List<RedisEndpoint> endpoints;
    private final String prefix;
    private final LayerOptions layerOptions;
    private final List<String> symmetricEncryptionKeys;
    private final Duration commandTimeout;
    private final Duration maxReconnectDelay;
    private final Path tlsTrustedCertificates;

    private RedisLayerOptions(Builder b) {
        this.endpoints = b.endpoints.isEmpty() ? List.of(RedisEndpoint.host(DEFAULT_HOST)) : List.copyOf(b.endpoints);
        this.prefix = b.prefix;
        this.layerOptions = b.layer.build();
        this.symmetricEncryptionKeys = List.copyOf(b.symmetricEncryptionKeys);
        this.commandTimeout = b.commandTimeout;
        this.maxReconnectDelay = b.maxReconnectDelay;
        this.tlsTrustedCertificates = b.tlsTrustedCertificates;
    }

    /**
     * Returns the options with every default.
     *
     * @return the default options
     */
    public static RedisLayerOptions defaults() {
        return DEFAULTS;
    }

    /**
     * Starts a builder with every default.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Starts a builder holding these options, to derive changed copies.
     *
     * @return a new builder
     */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.endpoints.addAll(endpoints);
        b.prefix = prefix;
        b.layer = layerOptions.toBuilder();
        b.symmetricEncryptionKeys.addAll(symmetricEncryptionKeys);
        b.commandTimeout = commandTimeout;
        b.maxReconnectDelay = maxReconnectDelay;
        b.tlsTrustedCertificates = tlsTrustedCertificates;
        return b;
    }

    /**
     * Returns the shards, in ring order: a channel or group maps to a shard by its CRC32 as in
     * channels_redis, so every process must list the same shards in the same order.
     *
     * @return an unmodifiable, non-empty list
     */
    public List<RedisEndpoint> endpoints() {
        return endpoints;
    }

    /**
     * Returns the prefix of every Redis key the layer uses.
     *
     * @return the prefix, {@value #DEFAULT_PREFIX} by default
     */
    public String prefix() {
        return prefix;
    }

    /**
     * Returns the capacity, per-channel capacity, expiry and group expiry the layer enforces.
     *
     * @return the layer options
     */
    public LayerOptions layerOptions() {
        return layerOptions;
    }

    /**
     * Returns the secrets messages are encrypted with; the first encrypts, all decrypt.
     *
     * @return an unmodifiable list, empty when messages are not encrypted
     */
    public List<String> symmetricEncryptionKeys() {
        return symmetricEncryptionKeys;
    }

    /**
     * Returns how long an operation may wait for Redis to answer (and, separately, to connect).
     *
     * @return a positive duration
     */
    public Duration commandTimeout() {
        return commandTimeout;
    }

    /**
     * Returns the longest pause between two reconnection attempts.
     *
     * @return a positive duration
     */
    public Duration maxReconnectDelay() {
        return maxReconnectDelay;
    }

    /**
     * Returns the PEM file of the certificates a {@code rediss://} server's certificate must
     * chain to, instead of the JDK's default trust store.
     *
     * @return the file, or {@code null} for the JDK's default trust store
     */
    public Path tlsTrustedCertificates() {
        return tlsTrustedCertificates;
    }

    @Override
    public boolean equals(Object o) {
        return o == this || (o instanceof RedisLayerOptions other && endpoints.equals(other.endpoints)
                && prefix.equals(other.prefix) && layerOptions.equals(other.layerOptions)
                && symmetricEncryptionKeys.equals(other.symmetricEncryptionKeys)
                && commandTimeout.equals(other.commandTimeout)
                && maxReconnectDelay.equals(other.maxReconnectDelay)
                && Objects.equals(tlsTrustedCertificates, other.tlsTrustedCertificates));
    }

    @Override
    public int hashCode() {
        return Objects.hash(endpoints, prefix, layerOptions, symmetricEncryptionKeys.size(), commandTimeout);
    }

    /** Describes the options without passwords or encryption keys. */
    @Override
    public String toString() {
        return "RedisLayerOptions[endpoints=" + endpoints + ", prefix=" + prefix + ", " + layerOptions
                + ", encryptionKeys=" + symmetricEncryptionKeys.size() + ", commandTimeout=" + commandTimeout
                + ", maxReconnectDelay=" + maxReconnectDelay
                + (tlsTrustedCertificates == null ? "" : ", tlsTrustedCertificates=" + tlsTrustedCertificates) + "]";
    }

    /**
     * Builds {@link RedisLayerOptions}; every setter validates its argument at once.
     *
     * <p>Not thread-safe.
     */
    public static final class Builder {
        private final List<RedisEndpoint> endpoints = new ArrayList<>();
        private String prefix = DEFAULT_PREFIX;
        private LayerOptions.Builder layer = LayerOptions.builder();
        private Path tlsTrustedCertificates;
        private final List<String> symmetricEncryptionKeys = new ArrayList<>();
        private Duration commandTimeout = DEFAULT_COMMAND_TIMEOUT;
        private Duration maxReconnectDelay = DEFAULT_MAX_RECONNECT_DELAY;

        private Builder() {
        }

        /**
         * Adds a shard by server URI; call once per shard, in the same order in every process.
         * Without any shard the layer uses {@value RedisLayerOptions#DEFAULT_HOST}.
         *
         * @param uri {@code redis://[:password@]host[:port][/db]} or {@code rediss://…}
         * @return this builder
         * @throws IllegalArgumentException if the URI is invalid (see {@link RedisEndpoint#host})
         */
        public Builder host(String uri) {
            endpoints.add(RedisEndpoint.host(uri));
            return this;
        }

        /**
         * Adds a shard whose master is found through Redis Sentinel.
         *
         * @param masterName the master's name at the Sentinels
         * @param sentinels  {@code redis-sentinel://host[:port]} URIs
         * @return this builder
         * @throws IllegalArgumentException if an argument is invalid (see
         *                                  {@link RedisEndpoint#sentinel})
         */
        public Builder sentinel(String masterName, List<String> sentinels) {
            endpoints.add(RedisEndpoint.sentinel(masterName, sentinels));
            return this;
        }

        /**
         * Adds a shard.
         *
         * @param endpoint the shard's address
         * @return this builder
         */
        public Builder endpoint(RedisEndpoint endpoint) {
            endpoints.add(Objects.requireNonNull(endpoint, "endpoint must not be null"));
            return this;
        }

        /**
         * Sets the prefix of every Redis key; Python peers must use the same.
         *
         * @param prefix one or more characters, none of them whitespace or control characters;
         *               default {@value RedisLayerOptions#DEFAULT_PREFIX}
         * @return this builder
         */
        public Builder prefix(String prefix) {
            Objects.requireNonNull(prefix, "prefix must not be null");
            if (prefix.isEmpty() || prefix.codePoints().anyMatch(c -> Character.isWhitespace(c)
                    || Character.isISOControl(c))) {
                throw new IllegalArgumentException("prefix must be non-empty without whitespace or control "
                        + "characters, was '" + prefix + "'");
            }
            this.prefix = prefix;
            return this;
        }

        /**
         * Replaces capacity, per-channel capacities, expiry and group expiry at once; later
         * calls to {@link #capacity}, {@link #channelCapacity}, {@link #expiry} and
         * {@link #groupExpiry} change the copy.
         *
         * @param options the layer options
         * @return this builder
         */
        public Builder layerOptions(LayerOptions options) {
            this.layer = Objects.requireNonNull(options, "options must not be null").toBuilder();
            return this;
        }

        /**
         * Sets the capacity of channels no rule matches.
         *
         * @param capacity at least 1; default {@value LayerOptions#DEFAULT_CAPACITY}
         * @return this builder
         */
        public Builder capacity(int capacity) {
            layer.capacity(capacity);
            return this;
        }

        /**
         * Appends a per-channel capacity rule; rules are tried in the order added.
         *
         * @param rule the rule
         * @return this builder
         */
        public Builder channelCapacity(CapacityRule rule) {
            layer.channelCapacity(rule);
            return this;
        }

        /**
         * Sets how long a message may wait to be received.
         *
         * @param expiry positive; default 60 s. Redis keys expire in milliseconds, so any
         *               positive duration works
         * @return this builder
         */
        public Builder expiry(Duration expiry) {
            layer.expiry(expiry);
            return this;
        }

        /**
         * Sets how long a group membership lasts after the last {@code groupAdd}.
         *
         * @param groupExpiry positive; default 86400 s
         * @return this builder
         */
        public Builder groupExpiry(Duration groupExpiry) {
            layer.groupExpiry(groupExpiry);
            return this;
        }

        /**
         * Encrypts every message with Fernet as channels_redis does: each secret's SHA-256 is
         * the Fernet key, the first secret encrypts and every secret is tried to decrypt, so
         * keys can be rotated by prepending the new one.
         *
         * @param secrets one or more non-empty secrets; an empty list turns encryption off
         * @return this builder
         */
        public Builder symmetricEncryptionKeys(List<String> secrets) {
            Objects.requireNonNull(secrets, "secrets must not be null");
            List<String> copy = List.copyOf(secrets);
            for (int i = 0; i < copy.size(); i++) {
                if (copy.get(i).isEmpty()) {
                    throw new IllegalArgumentException("symmetric encryption key " + i + " must not be empty");
                }
            }
            symmetricEncryptionKeys.clear();
            symmetricEncryptionKeys.addAll(copy);
            return this;
        }

        /**
         * Sets how long an operation may wait for Redis to answer before it fails with
         * {@link dev.mux.layer.LayerUnavailableException}; opening a connection, when one is
         * needed first, gets the same time again.
         *
         * @param timeout positive; default 5 s
         * @return this builder
         */
        public Builder commandTimeout(Duration timeout) {
            this.commandTimeout = requirePositive("commandTimeout", timeout);
            return this;
        }

        /**
         * Sets the longest pause between two reconnection attempts; attempts back off
         * exponentially from 10 ms with full jitter up to this bound.
         *
         * @param delay positive; default 2 s
         * @return this builder
         */
        public Builder maxReconnectDelay(Duration delay) {
            this.maxReconnectDelay = requirePositive("maxReconnectDelay", delay);
            return this;
        }

        /**
         * Trusts the certificates in a PEM file (a private CA, or a self-signed server
         * certificate) for {@code rediss://} shards, instead of the JDK's default trust store.
         * The server's certificate must still name the host it is reached by (a DNS name, or an
         * IP address in its subject alternative names): the peer is fully verified.
         *
         * <pre>{@code
         * RedisLayerOptions.builder()
         *     .host("rediss://:s3cret@redis.internal:6380")
         *     .tlsTrustedCertificates(Path.of("/etc/mux/redis-ca.pem"))
         *     .build();
         * }</pre>
         *
         * @param pemFile a readable file of one or more PEM certificates
         * @return this builder
         * @throws IllegalArgumentException if the file cannot be read
         */
        public Builder tlsTrustedCertificates(Path pemFile) {
            Objects.requireNonNull(pemFile, "pemFile must not be null");
            if (!Files.isReadable(pemFile)) {
                throw new IllegalArgumentException("tlsTrustedCertificates must be a readable PEM file, was " + pemFile);
            }
            this.tlsTrustedCertificates = pemFile;
            return this;
        }

        /**
         * Builds the options.
         *
         * @return immutable options
         */
        public RedisLayerOptions build() {
            return new RedisLayerOptions(this);
        }

        private static Duration requirePositive(String name, Duration value) {
            Objects.requireNonNull(value, name + " must not be null");
            if (value.isNegative() || value.isZero()) {
                throw new IllegalArgumentException(name + " must be positive, was " + value);
            }
            return value;
        }
    }
}
