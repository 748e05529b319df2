/**
 * Background workers: consumers that take messages from named, shared channels instead of
 * WebSockets, as Django Channels' {@code runworker} and {@code ChannelNameRouter} do.
 *
 * <p>An application hands work to a channel with
 * {@code layer.send("thumbnails-generate", Message.of("type", "generate", "id", 42))}; a
 * {@link dev.mux.worker.Worker} receives from that channel and calls the
 * {@link dev.mux.worker.WorkerConsumer} that a {@link dev.mux.worker.ChannelNameRouter} maps
 * to it, which dispatches by the message's {@code type} to its
 * {@link dev.mux.consumer.Handles @Handles} methods. Several receivers per channel, and
 * several workers (threads, processes, or Python {@code runworker}s on a shared Redis) may
 * receive from one channel: each message is handled by exactly one of them.
 *
 * <pre>{@code
 * ChannelNameRouter router = ChannelNameRouter.builder()
 *     .route("thumbnails-generate", () -> new ThumbnailConsumer(store))
 *     .build();
 * Worker worker = Worker.builder(layer, router).build().start();
 * ...
 * worker.stop(Duration.ofSeconds(10)).toCompletableFuture().join();
 * }</pre>
 */
package dev.mux.worker;
