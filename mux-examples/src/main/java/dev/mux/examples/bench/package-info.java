/**
 * Benchmarks that run as plain {@code main} programs against real servers, printing their
 * figures as one JSON object so that scripts can put them beside the peer's figures measured in
 * the same run (see {@code scripts/bench-redis.sh}).
 */
package dev.mux.examples.bench;
