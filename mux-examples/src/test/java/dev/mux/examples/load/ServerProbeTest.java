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
    void aProcessThatIsGoneIsRefused() throws Exception {
        Process p = new ProcessBuilder("true").start();
        p.waitFor();

        assertThatThrownBy(() -> ServerProbe.of(p.pid()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("serverPid is not a live local process: " + p.pid());
    }
}
