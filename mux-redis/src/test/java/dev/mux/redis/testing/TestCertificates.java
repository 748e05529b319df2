package dev.mux.redis.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A self-signed server certificate for 127.0.0.1 and localhost, made for one test run with
 * {@code openssl} (Debian's {@code openssl} package): the certificate is also the CA clients
 * trust. It lives in a temporary directory and is valid for one day.
 *
 * @param certificate the PEM certificate (also the trust anchor)
 * @param privateKey  the PEM private key, unencrypted
 */
public record TestCertificates(Path certificate, Path privateKey) {

    /**
     * Generates a fresh RSA key and self-signed certificate with subject alternative names
     * {@code IP:127.0.0.1} and {@code DNS:localhost}.
     *
     * @return the files
     * @throws IllegalStateException naming {@code apt-get install openssl} if openssl is missing
     */
    public static TestCertificates generate() {
        try {
            Path dir = Files.createTempDirectory("mux-tls-");
            Path cert = dir.resolve("server.crt");
            Path key = dir.resolve("server.key");
            List<String> command = List.of("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes",
                    "-keyout", key.toString(), "-out", cert.toString(), "-days", "1",
                    "-subj", "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost");
            Process p;
            try {
                p = new ProcessBuilder(command).redirectErrorStream(true).start();
            } catch (IOException e) {
                throw new IllegalStateException("cannot run openssl to make a test certificate; install it with"
                        + " `apt-get install openssl`: " + e.getMessage(), e);
            }
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException("openssl failed to make a test certificate: " + output);
            }
            return new TestCertificates(cert, key);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while making a test certificate", e);
        }
    }
}
