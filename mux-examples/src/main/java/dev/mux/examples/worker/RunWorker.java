package dev.mux.examples.worker;

import dev.mux.layer.ChannelLayer;
import dev.mux.redis.RedisChannelLayer;
import dev.mux.worker.ChannelNameRouter;
import dev.mux.worker.Worker;
import dev.mux.worker.WorkerOptions;
import java.io.PrintStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletionException;

/**
 * Runs a worker process on named channels of a Redis channel layer: the Java counterpart of
 * Django Channels' {@code manage.py runworker thumbnails-generate}.
 *
 * <pre>
 * java -cp … dev.mux.examples.worker.RunWorker --redis redis://127.0.0.1:6379 thumbnails-generate
 * </pre>
 *
 * <p>Options: {@code --redis URI} (required: a worker in its own process is reachable only
 * through a shared layer, so an in-memory layer would make it useless), {@code --concurrency N}
 * receivers per channel (default 1), {@code --group G} where results are announced (default
 * {@value ThumbnailWorker#DEFAULT_GROUP}), {@code --name NAME} for log lines, and
 * {@code --stop-timeout SECONDS} (default 30). The channels it knows are
 * {@value ThumbnailWorker#CHANNEL}. SIGTERM or Ctrl-C stops it gracefully: it stops taking
 * messages and lets those in flight finish before the JVM exits (with the signal's status, as
 * any JVM). It exits 2 on bad arguments and 1 if the worker stopped on its own (the layer was
 * closed).
 *
 * <p><b>Threading:</b> {@link #main} blocks until the worker has stopped; the worker runs on
 * its own threads.
 */
public final class RunWorker {

    private static final String USAGE = "usage: RunWorker --redis redis://HOST:PORT [--concurrency N] "
            + "[--group GROUP] [--name NAME] [--stop-timeout SECONDS] CHANNEL...";

    private RunWorker() {
    }

    /**
     * Parsed command-line arguments.
     *
     * <p>Instances are immutable and thread-safe.
     *
     * @param redis       the Redis URI, {@code redis://} or {@code rediss://}
     * @param channels    the channels to receive on, at least one
     * @param concurrency receivers per channel
     * @param group       where results are announced
     * @param name        the worker's name, or {@code null} for the default
     * @param stopTimeout how long a graceful stop waits for handlers in flight
     */
    public record Arguments(String redis, List<String> channels, int concurrency, String group, String name,
                            Duration stopTimeout) {

        /**
         * Validates and copies the arguments.
         *
         * @throws NullPointerException if a required argument is {@code null}
         */
        public Arguments {
            Objects.requireNonNull(redis, "redis must not be null");
            channels = List.copyOf(channels);
            Objects.requireNonNull(group, "group must not be null");
            Objects.requireNonNull(stopTimeout, "stopTimeout must not be null");
        }

        /**
         * Parses a command line.
         *
         * @param args the arguments of {@link RunWorker#main}
         * @return the parsed arguments
         * @throws IllegalArgumentException with a message for the user if the arguments are
         *                                  wrong
         */
        public static Arguments parse(String... args) {
            String redis = null;
            List<String> channels = new ArrayList<>();
            int concurrency = WorkerOptions.DEFAULT_CONCURRENCY;
            String group = ThumbnailWorker.DEFAULT_GROUP;
            String name = null;
            Duration stopTimeout = WorkerOptions.DEFAULT_STOP_TIMEOUT;
            for (int i = 0; i < args.length; i++) {
                String arg = args[i];
                switch (arg) {
                    case "--redis" -> redis = value(args, ++i, arg);
                    case "--concurrency" -> concurrency = integer(value(args, ++i, arg), arg);
                    case "--group" -> group = value(args, ++i, arg);
                    case "--name" -> name = value(args, ++i, arg);
                    case "--stop-timeout" -> stopTimeout = Duration.ofSeconds(integer(value(args, ++i, arg), arg));
                    default -> {
                        if (arg.startsWith("-")) {
                            throw new IllegalArgumentException("unknown option " + arg);
                        }
                        channels.add(arg);
                    }
                }
            }
            if (redis == null) {
                throw new IllegalArgumentException("--redis is required: a worker in its own process is only "
                        + "reachable through a shared layer (an in-memory layer lives and dies with one process)");
            }
            try {
                URI uri = new URI(redis);
                if (!"redis".equals(uri.getScheme()) && !"rediss".equals(uri.getScheme()) || uri.getHost() == null) {
                    throw new IllegalArgumentException("--redis must look like redis://HOST:PORT, was '" + redis + "'");
                }
            } catch (URISyntaxException e) {
                throw new IllegalArgumentException("--redis must look like redis://HOST:PORT, was '" + redis + "'", e);
            }
            if (channels.isEmpty()) {
                throw new IllegalArgumentException("name at least one channel to receive on, for example "
                        + ThumbnailWorker.CHANNEL);
            }
            if (concurrency < 1 || concurrency > WorkerOptions.MAX_CONCURRENCY) {
                throw new IllegalArgumentException("--concurrency must be between 1 and "
                        + WorkerOptions.MAX_CONCURRENCY + ", was " + concurrency);
            }
            if (stopTimeout.isNegative() || stopTimeout.isZero()) {
                throw new IllegalArgumentException("--stop-timeout must be positive, was " + stopTimeout.toSeconds());
            }
            return new Arguments(redis, channels, concurrency, group, name, stopTimeout);
        }

        private static String value(String[] args, int i, String option) {
            if (i >= args.length) {
                throw new IllegalArgumentException(option + " needs a value");
            }
            return args[i];
        }

        private static int integer(String text, String option) {
            try {
                return Integer.parseInt(text);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(option + " needs an integer, was '" + text + "'", e);
            }
        }
    }

    /**
     * The channels this program can serve, each mapped to its consumer.
     *
     * @param store where thumbnails go
     * @param group where results are announced
     * @return the router
     * @throws IllegalArgumentException if the group name is invalid
     */
    public static ChannelNameRouter router(ThumbnailStore store, String group) {
        return ChannelNameRouter.builder()
                .route(ThumbnailWorker.CHANNEL, () -> new ThumbnailWorker(store, group))
                .build();
    }

    /**
     * Builds a worker, not yet started, for parsed arguments on a layer.
     *
     * @param arguments the parsed command line
     * @param layer     the layer to receive from
     * @param store     where thumbnails go
     * @return the worker
     * @throws IllegalArgumentException if a channel is not one this program serves, or a name
     *                                  is invalid
     */
    public static Worker worker(Arguments arguments, ChannelLayer layer, ThumbnailStore store) {
        Worker.Builder builder = Worker.builder(layer, router(store, arguments.group()))
                .channels(arguments.channels())
                .options(WorkerOptions.builder()
                        .concurrency(arguments.concurrency())
                        .stopTimeout(arguments.stopTimeout())
                        .build());
        if (arguments.name() != null) {
            builder.name(arguments.name());
        }
        return builder.build();
    }

    /**
     * Runs the worker until it is stopped by a signal.
     *
     * @param args see the class description
     */
    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /**
     * Runs the worker until it stops and returns the exit status; {@link #main} without the
     * {@code System.exit}.
     *
     * @param args the command line
     * @param out  where the ready line goes
     * @param err  where usage errors go
     * @return 0 after a graceful stop, 1 if the worker stopped on its own, 2 on bad arguments
     */
    static int run(String[] args, PrintStream out, PrintStream err) {
        Arguments arguments;
        Worker worker;
        RedisChannelLayer layer;
        try {
            arguments = Arguments.parse(args);
            layer = RedisChannelLayer.builder().host(arguments.redis()).build();
            try {
                worker = worker(arguments, layer, new ThumbnailStore());
            } catch (RuntimeException e) {
                layer.close();
                throw e;
            }
        } catch (IllegalArgumentException e) {
            err.println("RunWorker: " + e.getMessage());
            err.println(USAGE);
            return 2;
        }
        Thread hook = new Thread(() -> {
            worker.stop().toCompletableFuture().join();
            layer.close();
        }, "RunWorker-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        worker.start();
        out.println("RunWorker: worker " + worker.name() + " receiving on " + worker.channels()
                + " from " + arguments.redis());
        out.flush();
        try {
            worker.terminated().toCompletableFuture().join();
            return 0;
        } catch (CompletionException e) {
            err.println("RunWorker: worker " + worker.name() + " stopped: " + e.getCause().getMessage());
            return 1;
        } finally {
            layer.close();
        }
    }
}
