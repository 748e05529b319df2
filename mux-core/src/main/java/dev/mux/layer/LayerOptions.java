package dev.mux.layer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The options every channel layer honours: capacity, per-channel capacity rules, message expiry
 * and group expiry.
 *
 * <p>Defaults match Django Channels: {@value #DEFAULT_CAPACITY} messages per channel,
 * {@link #DEFAULT_EXPIRY} (60 s) for a message to be received, {@link #DEFAULT_GROUP_EXPIRY}
 * (86400 s) for a group membership to lapse unless re-added.
 *
 * <pre>{@code
 * LayerOptions options = LayerOptions.builder()
 *     .capacity(200)
 *     .channelCapacity(CapacityRule.glob("http.response!*", 10))
 *     .expiry(Duration.ofSeconds(30))
 *     .build();
 * }</pre>
 *
 * <p>Instances are immutable and thread-safe; builders are not thread-safe.
 */
public final class LayerOptions {

    /** Default maximum number of messages queued on one channel. */
    public static final int DEFAULT_CAPACITY = 100;
    /** Default time a message may wait to be received before it is dropped. */
    public static final Duration DEFAULT_EXPIRY = Duration.ofSeconds(60);
    /** Default time a group membership lasts after the last {@code groupAdd}. */
    public static final Duration DEFAULT_GROUP_EXPIRY = Duration.ofSeconds(86400);

    private static final LayerOptions DEFAULTS = builder().build();

    private final int capacity;
    private final List<CapacityRule> channelCapacities;
    private final Duration expiry;
    private final Duration groupExpiry;

    private LayerOptions(Builder builder) {
        this.capacity = builder.capacity;
        this.channelCapacities = List.copyOf(builder.channelCapacities);
        this.expiry = builder.expiry;
        this.groupExpiry = builder.groupExpiry;
    }

    /**
     * Returns the options with every default.
     *
     * @return the default options
     */
    public static LayerOptions defaults() {
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
        b.capacity = capacity;
        b.channelCapacities.addAll(channelCapacities);
        b.expiry = expiry;
        b.groupExpiry = groupExpiry;
        return b;
    }

    /**
     * Returns the capacity of channels no rule matches.
     *
     * @return the default capacity, at least 1
     */
    public int capacity() {
        return capacity;
    }

    /**
     * Returns the per-channel capacity rules, in the order they are tried.
     *
     * @return an unmodifiable list, possibly empty
     */
    public List<CapacityRule> channelCapacities() {
        return channelCapacities;
    }

    /**
     * Returns how long a message may wait to be received.
     *
     * @return a positive duration
     */
    public Duration expiry() {
        return expiry;
    }

    /**
     * Returns how long a group membership lasts after the last {@code groupAdd}.
     *
     * @return a positive duration
     */
    public Duration groupExpiry() {
        return groupExpiry;
    }

    /**
     * Returns the capacity in force for a channel: the first matching rule's, else
     * {@link #capacity()}.
     *
     * @param channel a channel name
     * @return the capacity, at least 1
     */
    public int capacityFor(String channel) {
        for (CapacityRule rule : channelCapacities) {
            if (rule.matches(channel)) {
                return rule.capacity();
            }
        }
        return capacity;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof LayerOptions other)) {
            return false;
        }
        return capacity == other.capacity
                && expiry.equals(other.expiry)
                && groupExpiry.equals(other.groupExpiry)
                && channelCapacities.size() == other.channelCapacities.size()
                && channelCapacities.toString().equals(other.channelCapacities.toString());
    }

    @Override
    public int hashCode() {
        return Objects.hash(capacity, expiry, groupExpiry, channelCapacities.size());
    }

    @Override
    public String toString() {
        return "LayerOptions[capacity=" + capacity + ", channelCapacities=" + channelCapacities
                + ", expiry=" + expiry + ", groupExpiry=" + groupExpiry + "]";
    }

    /**
     * Builds {@link LayerOptions}; every setter validates its argument at once.
     *
     * <p>Not thread-safe.
     */
    public static final class Builder {
        private int capacity = DEFAULT_CAPACITY;
        private final List<CapacityRule> channelCapacities = new ArrayList<>();
        private Duration expiry = DEFAULT_EXPIRY;
        private Duration groupExpiry = DEFAULT_GROUP_EXPIRY;

        private Builder() {
        }

        /**
         * Sets the capacity of channels that no rule matches.
         *
         * @param capacity at least 1; default {@value LayerOptions#DEFAULT_CAPACITY}
         * @return this builder
         */
        public Builder capacity(int capacity) {
            if (capacity < 1) {
                throw new IllegalArgumentException("capacity must be >= 1, was " + capacity);
            }
            this.capacity = capacity;
            return this;
        }

        /**
         * Appends a per-channel capacity rule; rules are tried in the order added.
         *
         * @param rule the rule
         * @return this builder
         */
        public Builder channelCapacity(CapacityRule rule) {
            channelCapacities.add(Objects.requireNonNull(rule, "rule must not be null"));
            return this;
        }

        /**
         * Replaces all per-channel capacity rules.
         *
         * @param rules the rules, in the order they are tried
         * @return this builder
         */
        public Builder channelCapacities(List<CapacityRule> rules) {
            Objects.requireNonNull(rules, "rules must not be null");
            List<CapacityRule> copy = List.copyOf(rules);
            channelCapacities.clear();
            channelCapacities.addAll(copy);
            return this;
        }

        /**
         * Sets how long a message may wait to be received before it is dropped.
         *
         * @param expiry positive; default 60 s
         * @return this builder
         */
        public Builder expiry(Duration expiry) {
            this.expiry = requirePositive("expiry", expiry);
            return this;
        }

        /**
         * Sets how long a group membership lasts after the last {@code groupAdd}.
         *
         * @param groupExpiry positive; default 86400 s
         * @return this builder
         */
        public Builder groupExpiry(Duration groupExpiry) {
            this.groupExpiry = requirePositive("groupExpiry", groupExpiry);
            return this;
        }

        /**
         * Builds the options.
         *
         * @return immutable options
         */
        public LayerOptions build() {
            return new LayerOptions(this);
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
