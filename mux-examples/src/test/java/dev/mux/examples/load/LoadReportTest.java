package dev.mux.examples.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class LoadReportTest {

    static LoadReport sample(LoadReport.Server server) {
        LatencyStats.Millis lat = new LatencyStats.Millis(100, 0.5, 1.2, 1.0, 4.5, 9.25, 10.0);
        return new LoadReport("blast-50", "ws://127.0.0.1:1/ws/chat/b/", "2026-01-01T00:00:00Z",
                new LoadReport.Settings(50, 1, 2, 0, 100, false, 0, 0),
                new LoadReport.Connect(50, 49, 1, 120.5, lat),
                new LoadReport.Sent(2, 1.5, 1333.3, 2, new LatencyStats.Millis(2, 0.05, 0.3, 0.1, 0.5, 0.5, 0.5)),
                new LoadReport.Deliveries(98, 97, 1, 2, 3, 4, 100.0, 970.0),
                lat, new LoadReport.Fanout(1, 1, lat), new LoadReport.Warmup(0, 0, 0),
                new LoadReport.Errors(1, List.of("client 7 connect failed: ConnectException")),
                server, new LoadReport.Cpu(0.5, 5154.6, 0.25, 2577.3), false, 1.25);
    }

    @Test
    void jsonReadsBackToAnEqualReport() {
        LoadReport report = sample(new LoadReport.Server(42L, 1000L, 2000L, 2100L, 2200L, 5_000_000L, 6_000_000L, 20_408L, 49L));

        assertThat(LoadReport.fromJson(report.toJson())).isEqualTo(report);
    }

    @Test
    void unmeasuredServerFiguresAreJsonNulls() {
        String json = sample(LoadReport.Server.NONE).toJson();

        assertThat(json).contains("\"rssBeforeKb\" : null", "\"heapPerConnectionBytes\" : null");
        assertThat(LoadReport.fromJson(json).server()).isEqualTo(LoadReport.Server.NONE);
    }

    @Test
    void tableShowsRatesAccountingAndPercentiles() {
        String table = sample(new LoadReport.Server(42L, 1000L, 2000L, 2100L, 2200L, null, null, null, null)).toTable();

        assertThat(table)
                .contains("deliveries/s     970")
                .contains("back to back (window 100)")
                .contains("delivered        97 of 98")
                .contains("lost             1")
                .contains("duplicates       2")
                .contains("p50 1.000  p99 4.500  p99.9 9.250  max 10.00  (n=100)")
                .contains("connect          49/50")
                .contains("errors           1: client 7 connect failed")
                .contains("before 1000, connected 2000, end 2100, peak 2200")
                .doesNotContain("live heap");
    }

    @Test
    void tableShowsCpuPerDeliveryOfServerAndLoadTool() {
        String table = sample(LoadReport.Server.NONE).toTable();

        assertThat(table).contains("CPU/delivery     server 5154.6 us (0.50 s), load tool 2577.3 us (0.25 s), measured phase");
    }

    @Test
    void tableShowsTheLoadToolsOwnSendDelay() {
        String table = sample(LoadReport.Server.NONE).toTable();

        assertThat(table).contains("send delay ms    p50 0.100  p99 0.500  p99.9 0.500  max 0.500  (n=2)"
                + " (stamp to frame written, in the load tool)");
    }

    @Test
    void aReportWrittenBeforeTheSendDelayWasMeasuredReadsWithAnEmptyOneAndNoTableLine() {
        String json = sample(LoadReport.Server.NONE).toJson().replaceFirst(",\\s*\"delayMillis\" : \\{[^}]*\\}", "");

        assertThat(json).doesNotContain("delayMillis");
        LoadReport read = LoadReport.fromJson(json);
        assertThat(read.sent().delayMillis()).isEqualTo(LatencyStats.Millis.EMPTY);
        assertThat(read.toTable()).doesNotContain("send delay");
    }

    @Test
    void aReportWrittenBeforeCpuWasMeasuredReadsWithoutCpuFigures() {
        String json = sample(LoadReport.Server.NONE).toJson().replaceFirst("\"cpu\" : \\{[^}]*\\},", "");

        assertThat(json).doesNotContain("\"cpu\"");
        assertThat(LoadReport.fromJson(json).cpu()).isEqualTo(LoadReport.Cpu.NONE);
    }

    @Test
    void textThatIsNotAReportIsRefused() {
        assertThatThrownBy(() -> LoadReport.fromJson("{\"label\": 5"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("not a load report");
        assertThatThrownBy(() -> LoadReport.fromJson("{}"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
