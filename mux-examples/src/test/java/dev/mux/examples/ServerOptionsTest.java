package dev.mux.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ServerOptionsTest {

    private static ServerOptions parse(String... args) {
        return ServerOptions.parse(List.of(args), Map.of());
    }

    @Test
    void noArgumentsGiveTheDefaults() {
        ServerOptions options = parse();

        assertThat(options.host()).isEqualTo("127.0.0.1");
        assertThat(options.port()).isEqualTo(8080);
        assertThat(options.redis()).isEmpty();
        assertThat(options.dataDir()).isEqualTo(Path.of("data"));
        assertThat(options.jdbcUrl()).isEmpty();
        assertThat(options.allowedOrigins()).isEmpty();
        assertThat(options.adminToken()).isEmpty();
    }

    @Test
    void everyOptionIsReadInBothSpellings() {
        ServerOptions options = parse("--host", "0.0.0.0", "--port=9000", "--redis", "redis://10.0.0.5:6380/2",
                "--data-dir=/srv/mux", "--allowed-origin", "https://Example.com",
                "--allowed-origin=http://localhost:3000", "--admin-token", "s3cret-token");

        assertThat(options.host()).isEqualTo("0.0.0.0");
        assertThat(options.port()).isEqualTo(9000);
        assertThat(options.redis()).contains(URI.create("redis://10.0.0.5:6380/2"));
        assertThat(options.dataDir()).isEqualTo(Path.of("/srv/mux"));
        assertThat(options.allowedOrigins()).containsExactly("https://example.com", "http://localhost:3000");
        assertThat(options.adminToken()).contains("s3cret-token");
    }

    @Test
    void aJdbcUrlReplacesTheEmbeddedDatabase() {
        ServerOptions options = parse("--jdbc-url", "jdbc:postgresql://127.0.0.1:5432/mux?user=mux");

        assertThat(options.jdbcUrl()).contains("jdbc:postgresql://127.0.0.1:5432/mux?user=mux");
    }

    @Test
    void environmentVariablesFillInWhatTheCommandLineLeavesOut() {
        Map<String, String> env = Map.of("MUX_HOST", "::1", "MUX_PORT", "7000", "MUX_REDIS", "redis://r:6379",
                "MUX_DATA_DIR", "/var/mux", "MUX_ALLOWED_ORIGINS", "https://a.example, https://b.example",
                "MUX_ADMIN_TOKEN", "from-the-env");

        ServerOptions options = ServerOptions.parse(List.of("--port", "7001"), env);

        assertThat(options.host()).isEqualTo("::1");
        assertThat(options.port()).isEqualTo(7001);
        assertThat(options.redis()).contains(URI.create("redis://r:6379"));
        assertThat(options.dataDir()).isEqualTo(Path.of("/var/mux"));
        assertThat(options.allowedOrigins()).containsExactly("https://a.example", "https://b.example");
        assertThat(options.adminToken()).contains("from-the-env");
    }

    @Test
    void originsOnTheCommandLineReplaceThoseOfTheEnvironment() {
        ServerOptions options = ServerOptions.parse(List.of("--allowed-origin", "https://c.example"),
                Map.of("MUX_ALLOWED_ORIGINS", "https://a.example"));

        assertThat(options.allowedOrigins()).containsExactly("https://c.example");
    }

    @Test
    void aJdbcUrlOnTheCommandLineWinsOverADataDirInTheEnvironment() {
        ServerOptions options = ServerOptions.parse(List.of("--jdbc-url", "jdbc:h2:mem:x"),
                Map.of("MUX_DATA_DIR", "/var/mux"));

        assertThat(options.jdbcUrl()).contains("jdbc:h2:mem:x");
    }

    @Test
    void emptyEnvironmentVariablesCountAsUnset() {
        ServerOptions options = ServerOptions.parse(List.of(), Map.of("MUX_PORT", "", "MUX_REDIS", ""));

        assertThat(options.port()).isEqualTo(8080);
        assertThat(options.redis()).isEmpty();
    }

    @Test
    void helpIsReportedAsAHelpRequest() {
        assertThatThrownBy(() -> parse("--port", "1", "--help")).isInstanceOf(ServerOptions.HelpRequested.class);
        assertThatThrownBy(() -> parse("-h")).isInstanceOf(ServerOptions.HelpRequested.class);
    }

    @Test
    void anUnknownOptionIsNamed() {
        assertThatThrownBy(() -> parse("--prot", "8080"))
                .isInstanceOf(UsageException.class).hasMessage("unknown option '--prot'");
        assertThatThrownBy(() -> parse("8080"))
                .isInstanceOf(UsageException.class).hasMessage("unexpected argument '8080' (options start with --)");
    }

    @Test
    void anOptionWithoutItsValueIsNamed() {
        assertThatThrownBy(() -> parse("--port")).hasMessage("--port needs a value");
        assertThatThrownBy(() -> parse("--redis", "--port", "1")).hasMessage("--redis needs a value");
    }

    @Test
    void aBadPortIsNamedWithItsValue() {
        assertThatThrownBy(() -> parse("--port", "http")).isInstanceOf(UsageException.class)
                .hasMessage("--port must be a port number from 0 to 65535, was 'http'");
        assertThatThrownBy(() -> parse("--port=70000"))
                .hasMessage("--port must be a port number from 0 to 65535, was '70000'");
        assertThatThrownBy(() -> ServerOptions.parse(List.of(), Map.of("MUX_PORT", "-1")))
                .hasMessage("MUX_PORT must be a port number from 0 to 65535, was '-1'");
    }

    @Test
    void aRedisUriMustHaveTheRedisSchemeAndAHost() {
        assertThatThrownBy(() -> parse("--redis", "localhost:6379"))
                .hasMessage("--redis must start with redis:// or rediss://, was 'localhost:6379'");
        assertThatThrownBy(() -> parse("--redis", "127.0.0.1:6379"))
                .hasMessage("--redis must be a URI like redis://127.0.0.1:6379, was '127.0.0.1:6379'");
        assertThatThrownBy(() -> parse("--redis", "http://127.0.0.1:6379"))
                .hasMessage("--redis must start with redis:// or rediss://, was 'http://127.0.0.1:6379'");
        assertThatThrownBy(() -> parse("--redis", "redis:///0"))
                .hasMessageContaining("--redis must name a host");
        assertThatThrownBy(() -> parse("--redis", "redis://a b"))
                .hasMessageContaining("--redis must be a URI");
    }

    @Test
    void anOriginMustBeSchemeHostAndPortOnly() {
        assertThatThrownBy(() -> parse("--allowed-origin", "example.com"))
                .hasMessageStartingWith("--allowed-origin must be an origin like https://example.com")
                .hasMessageEndingWith("was 'example.com'");
        assertThatThrownBy(() -> parse("--allowed-origin", "https://example.com/app"))
                .hasMessageEndingWith("was 'https://example.com/app'");
        assertThatThrownBy(() -> ServerOptions.parse(List.of(), Map.of("MUX_ALLOWED_ORIGINS", "ftp://x")))
                .hasMessageStartingWith("MUX_ALLOWED_ORIGINS must be an origin");
    }

    @Test
    void aShortOrSpacedAdminTokenIsRefusedWithoutEchoingIt() {
        assertThatThrownBy(() -> parse("--admin-token", "abc"))
                .hasMessage("--admin-token must be at least 8 characters without spaces or control characters,"
                        + " was 3 characters long");
        assertThatThrownBy(() -> parse("--admin-token", "has a space"))
                .hasMessageNotContaining("has a space");
    }

    @Test
    void aJdbcUrlMustStartWithJdbc() {
        assertThatThrownBy(() -> parse("--jdbc-url", "postgresql://x/y"))
                .hasMessage("--jdbc-url must be a JDBC URL starting with jdbc:, was 'postgresql://x/y'");
    }

    @Test
    void aDataDirAndAJdbcUrlCannotBeCombined() {
        assertThatThrownBy(() -> parse("--data-dir", "d", "--jdbc-url", "jdbc:h2:mem:x"))
                .hasMessage("--data-dir and --jdbc-url cannot be combined: the messages are stored in one database");
        assertThatThrownBy(() -> ServerOptions.parse(List.of(),
                Map.of("MUX_DATA_DIR", "d", "MUX_JDBC_URL", "jdbc:h2:mem:x")))
                .hasMessageStartingWith("MUX_DATA_DIR and MUX_JDBC_URL cannot both be set");
    }

    @Test
    void toStringNeverShowsTheTokenOrTheJdbcUrl() {
        ServerOptions options = parse("--admin-token", "very-secret", "--jdbc-url", "jdbc:postgresql://h/db?password=pw");

        assertThat(options.toString()).doesNotContain("very-secret").doesNotContain("pw");
    }

    @Test
    void theBuilderValidatesToo() {
        assertThatThrownBy(() -> ServerOptions.builder().port(65536)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("port must be from 0 to 65535, was 65536");
        assertThatThrownBy(() -> ServerOptions.builder().host(" ")).isInstanceOf(IllegalArgumentException.class);
        assertThat(ServerOptions.builder().port(0).redis(URI.create("redis://h")).build().redis())
                .contains(URI.create("redis://h"));
    }
}
