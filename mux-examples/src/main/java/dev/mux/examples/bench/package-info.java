/**
 * Benchmarks of the channel layers, each measured beside a peer in the same run so that results
 * read as ratios: JMH benchmarks of the in-memory layer beside a plain JDK peer, built into
 * {@code mux-benchmarks.jar} (run it with {@code java -jar mux-benchmarks.jar -h} for JMH's
 * options), and {@link dev.mux.examples.bench.RedisLayerBench}, a plain {@code main} program
 * against a real Redis that prints one JSON object for {@code scripts/bench-redis.sh} to put
 * beside channels_redis and {@code redis-benchmark}. Figures and the commands that produced them
 * are in {@code BENCHMARKS.md}.
 */
package dev.mux.examples.bench;
