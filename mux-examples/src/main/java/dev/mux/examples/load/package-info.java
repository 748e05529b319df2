/**
 * The end-to-end load tool: many WebSocket clients in one chat room of any server that speaks
 * the Django Channels tutorial chat protocol, with exact latency percentiles, loss and duplicate
 * accounting, and the server's memory.
 *
 * <p>{@link dev.mux.examples.load.LoadTool} is the command-line entry point;
 * {@link dev.mux.examples.load.LoadRunner} runs one load described by a
 * {@link dev.mux.examples.load.LoadConfig} and returns a {@link dev.mux.examples.load.LoadReport};
 * {@link dev.mux.examples.load.ChatBenchReport} turns the reports of a comparison run into a
 * markdown page and a chart. The tool only talks to loopback addresses.
 */
package dev.mux.examples.load;
