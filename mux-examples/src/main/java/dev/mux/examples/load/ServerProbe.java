package dev.mux.examples.load;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Measures a local server process: its CPU time from {@code /proc/<pid>/stat}, its resident
 * set size from {@code /proc/<pid>/status} (Linux) and, for a JVM, its live heap with
 * {@code jcmd <pid> GC.class_histogram}, which runs a full collection first and then sums the
 * bytes of every live object.
 *
 * <p>Thread-safe: every call reads the process afresh.
 */
public final class ServerProbe {

    private static final Pattern KB_LINE = Pattern.compile("^(\\w+):\\s+(\\d+) kB$");
    private static final Pattern HISTOGRAM_TOTAL = Pattern.compile("^Total\\s+(\\d+)\\s+(\\d+)\\s*$");
    private static final long JCMD_TIMEOUT_SECONDS = 120;
    /** Clock ticks per second in /proc/<pid>/stat: USER_HZ, 100 on the architectures Linux exports to Java. */
    private static final long USER_HZ = 100;

    private final long pid;

    private ServerProbe(long pid) {
        this.pid = pid;
    }

    /**
     * Returns a probe of a live local process.
     *
     * @param pid the process id
     * @return the probe
     * @throws IllegalArgumentException if no such process is alive
     */
    public static ServerProbe of(long pid) {
        if (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
            return new ServerProbe(pid);
        }
        throw new IllegalArgumentException("serverPid is not a live local process: " + pid);
    }

    /**
     * Returns the process id.
     *
     * @return the pid
     */
    public long pid() {
        return pid;
    }

    /**
     * Returns the resident set size now.
     *
     * @return kibibytes, or empty if the process is gone or {@code /proc} is not available
     */
    public OptionalLong rssKb() {
        return statusField("VmRSS");
    }

    /**
     * Returns the largest resident set size the process has had.
     *
     * @return kibibytes, or empty if the process is gone or {@code /proc} is not available
     */
    public OptionalLong peakRssKb() {
        return statusField("VmHWM");
    }

    /**
     * Returns the CPU time the process has used so far, user and system, over all its threads.
     *
     * @return nanoseconds (at the kernel's 10 ms accounting resolution), or empty if the process
     *         is gone or {@code /proc} is not available
     */
    public OptionalLong cpuNanos() {
        try {
            return parseCpuNanos(Files.readString(Path.of("/proc", Long.toString(pid), "stat")));
        } catch (IOException e) {
            return OptionalLong.empty();
        }
    }

    /**
     * Reads utime + stime from a {@code /proc/<pid>/stat} line.
     *
     * @param stat the line
     * @return nanoseconds, or empty if the line has not the expected shape
     */
    static OptionalLong parseCpuNanos(String stat) {
        // The command name (field 2) is in parentheses and may contain spaces: count after it.
        int end = stat.lastIndexOf(')');
        if (end < 0) {
            return OptionalLong.empty();
        }
        String[] fields = stat.substring(end + 1).trim().split("\\s+");
        if (fields.length < 13) {
            return OptionalLong.empty();
        }
        try {
            // fields[0] is field 3 (state); utime and stime are fields 14 and 15, in clock ticks.
            long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
            return OptionalLong.of(ticks * (1_000_000_000L / USER_HZ));
        } catch (NumberFormatException e) {
            return OptionalLong.empty();
        }
    }

    private OptionalLong statusField(String name) {
        try {
            List<String> lines = Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"));
            for (String line : lines) {
                Matcher m = KB_LINE.matcher(line);
                if (m.matches() && m.group(1).equals(name)) {
                    return OptionalLong.of(Long.parseLong(m.group(2)));
                }
            }
            return OptionalLong.empty();
        } catch (IOException e) {
            return OptionalLong.empty();
        }
    }

    /**
     * Collects the JVM's garbage and returns the bytes of all live objects.
     *
     * @return live heap bytes after a full collection
     * @throws IllegalStateException if {@code jcmd} cannot be run or its output has no total
     */
    public long liveHeapBytes() {
        String output = runJcmd("GC.class_histogram");
        return parseHistogramTotal(output);
    }

    /**
     * Extracts the total bytes from {@code jcmd GC.class_histogram} output (its last line reads
     * {@code Total <instances> <bytes>}).
     *
     * @param output the command's output
     * @return the total bytes of live objects
     * @throws IllegalStateException if the output has no total line
     */
    static long parseHistogramTotal(String output) {
        String[] lines = output.split("\\R");
        for (int i = lines.length - 1; i >= 0; i--) {
            Matcher m = HISTOGRAM_TOTAL.matcher(lines[i].trim());
            if (m.matches()) {
                return Long.parseLong(m.group(2));
            }
        }
        throw new IllegalStateException("jcmd GC.class_histogram printed no Total line: "
                + output.substring(0, Math.min(300, output.length())));
    }

    private String runJcmd(String command) {
        Process process;
        try {
            process = new ProcessBuilder(jcmdExecutable(), Long.toString(pid), command)
                    .redirectErrorStream(true)
                    .start();
        } catch (IOException e) {
            throw new IllegalStateException("cannot run jcmd (install a JDK, not only a JRE): " + e.getMessage(), e);
        }
        try (InputStream in = process.getInputStream()) {
            // Read before waiting: the histogram of a large heap overflows the pipe buffer.
            String output = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(JCMD_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("jcmd " + pid + " " + command + " did not finish in "
                        + JCMD_TIMEOUT_SECONDS + " s");
            }
            if (process.exitValue() != 0) {
                throw new IllegalStateException("jcmd " + pid + " " + command + " failed (exit "
                        + process.exitValue() + "): " + output.strip());
            }
            return output;
        } catch (IOException e) {
            throw new IllegalStateException("cannot read jcmd output: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            throw new IllegalStateException("interrupted while running jcmd", e);
        }
    }

    private static String jcmdExecutable() {
        // Prefer the jcmd of the JDK running this tool; fall back to the PATH.
        return ProcessHandle.current().info().command()
                .map(Path::of)
                .map(java -> java.resolveSibling("jcmd"))
                .filter(Files::isExecutable)
                .map(Path::toString)
                .orElse("jcmd");
    }
}
