package dev.mux.examples.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Measures the live heap of a real child JVM with jcmd. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ServerProbeIT {

    @Test
    void liveHeapOfAnIdleJvmIncludesWhatItHolds() throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        Process child = new ProcessBuilder(java, "-Xmx64m", "-cp", Path.of("target/test-classes").toAbsolutePath().toString(),
                IdleJvm.class.getName()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
            assertThat(out.readLine()).isEqualTo("ready");

            long live = ServerProbe.of(child.pid()).liveHeapBytes();

            // The child holds 8 MiB of arrays; a bare JVM has well under 64 MiB live.
            assertThat(live).isBetween(8L << 20, 64L << 20);
        } finally {
            child.getOutputStream().close();
            if (!child.waitFor(10, TimeUnit.SECONDS)) {
                child.destroyForcibly();
            }
        }
    }

    @Test
    void aProcessThatIsNotAJvmGivesAClearError() throws Exception {
        Process sleeper = new ProcessBuilder("sleep", "30").start();
        try {
            assertThatThrownBy(() -> ServerProbe.of(sleeper.pid()).liveHeapBytes())
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("jcmd " + sleeper.pid());
        } finally {
            sleeper.destroy();
            sleeper.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
