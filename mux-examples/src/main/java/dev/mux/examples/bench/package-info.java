/**
 * JMH benchmarks of the channel layers, each measured beside a plain JDK peer in the same run
 * so that results read as ratios. Built into {@code mux-benchmarks.jar}; run it with
 * {@code java -jar mux-benchmarks.jar -h} for JMH's options. Figures and the commands that
 * produced them are in {@code BENCHMARKS.md}.
 */
package dev.mux.examples.bench;
