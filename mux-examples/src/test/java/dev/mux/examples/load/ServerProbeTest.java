package dev.mux.examples.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ServerProbeTest {

    @Test
    void histogramTotalIsTheLastLinesByteCount() {
        String output = String.join("\n",
                "12345:",
                " num     #instances         #bytes  class name (module)",
                "-------------------------------------------------------",
                "   1:         10345         934560  [B (java.base@17.0.15)",
                "   2:          2000          48000  java.lang.String (java.base@17.0.15)",
                "Total         12345        1234567",
                "");

        assertThat(ServerProbe.parseHistogramTotal(output)).isEqualTo(1_234_567L);
    }

    @Test
    void outputWithoutATotalIsAClearError() {
        assertThatThrownBy(() -> ServerProbe.parseHistogramTotal("12345:\ncom.sun.tools.attach.AttachNotSupportedException"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("no Total line")
                .hasMessageContaining("AttachNotSupportedException");
    }

    @Test
    void aLiveProcessHasAResidentSetAndAPeakAtLeastAsLarge() {
        ServerProbe probe = ServerProbe.of(ProcessHandle.current().pid());

        long rss = probe.rssKb().orElseThrow();
        long peak = probe.peakRssKb().orElseThrow();

        assertThat(rss).isPositive();
        // The peak is read after the current size, and a peak never shrinks.
        assertThat(peak).isGreaterThanOrEqualTo(rss);
    }

    @Test
    void cpuTimeIsUserPlusSystemTicksCountedAfterACommandNameWithSpacesAndParentheses() {
        // Fields 14 and 15 (utime 250, stime 50 ticks) of a process named "a) b".
        String stat = "4242 (a) b) S 1 4242 4242 0 -1 4194560 100 0 0 0 250 50 0 0 20 0 12 0 3000 1000000 500";

        assertThat(ServerProbe.parseCpuNanos(stat)).hasValue(3_000_000_000L);
        assertThat(ServerProbe.parseCpuNanos("4242 (short) S 1")).isEmpty();
        assertThat(ServerProbe.parseCpuNanos("no parenthesis")).isEmpty();
    }

    @Test
    void aBusyProcessReportsGrowingCpuTime() {
        ServerProbe probe = ServerProbe.of(ProcessHandle.current().pid());
        long before = probe.cpuNanos().orElseThrow();
        long spin = System.nanoTime() + 200_000_000L;
        long sink = 0;
        while (System.nanoTime() < spin) {
            sink += Long.numberOfTrailingZeros(sink + System.nanoTime());
        }

        assertThat(probe.cpuNanos().orElseThrow()).as("after 200 ms of spinning (%d)", sink).isGreaterThan(before);
    }

    @Test
    void aProcessThatIsGoneIsRefused() throws Exception {
        Process p = new ProcessBuilder("true").start();
        p.waitFor();

        assertThatThrownBy(() -> ServerProbe.of(p.pid()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("serverPid is not a live local process: " + p.pid());
    }
}
