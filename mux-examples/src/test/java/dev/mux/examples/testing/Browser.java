package dev.mux.examples.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Headless Chromium driven by Playwright ({@code src/test/js/driver.mjs}) through JSON lines.
 * Every command waits at most {@link #COMMAND_TIMEOUT}; waits are on page conditions, never
 * on the clock.
 */
public final class Browser implements AutoCloseable {

    /** The Chromium the tests use: Debian's. */
    public static final Path CHROMIUM = Path.of("/usr/bin/chromium");

    /** How long the driver waits for a page condition. */
    public static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(20);

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Object INSTALL_LOCK = new Object();
    private static boolean installed;

    private final Process process;
    private final Writer commands;
    private final BlockingQueue<JsonNode> replies = new ArrayBlockingQueue<>(16);
    private final StringBuffer stderr = new StringBuffer();
    private int nextId = 1;

    private Browser(Process process) {
        this.process = process;
        this.commands = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
    }

    /**
     * Returns the folder of the JavaScript test driver.
     *
     * @return {@code src/test/js}
     */
    public static Path jsDir() {
        String property = System.getProperty("mux.examples.js");
        return Path.of(property != null ? property : "src/test/js").toAbsolutePath();
    }

    /**
     * Installs the driver's npm packages (once per test run) and starts Chromium.
     *
     * @return the browser
     */
    public static Browser launch() {
        if (!Files.isExecutable(CHROMIUM)) {
            throw new IllegalStateException(CHROMIUM + " is missing: install Debian's Chromium"
                    + " (apt-get install chromium) to run the browser tests");
        }
        installDriver();
        ProcessBuilder builder = new ProcessBuilder("node", "driver.mjs").directory(jsDir().toFile());
        builder.environment().put("CHROMIUM", CHROMIUM.toString());
        Browser browser;
        try {
            browser = new Browser(builder.start());
        } catch (IOException e) {
            throw new IllegalStateException("cannot run node: install Node.js 20+ (apt-get install nodejs npm)", e);
        }
        browser.readReplies();
        JsonNode ready = browser.await(0, Duration.ofSeconds(60), "start");
        if (!ready.path("ok").asBoolean()) {
            browser.close();
            throw new IllegalStateException("the browser driver failed to start: " + ready);
        }
        return browser;
    }

    private static void installDriver() {
        synchronized (INSTALL_LOCK) {
            if (installed) {
                return;
            }
            ProcessBuilder npm = new ProcessBuilder("npm", "ci", "--no-audit", "--no-fund", "--loglevel=error")
                    .directory(jsDir().toFile())
                    .redirectErrorStream(true);
            try {
                Process p = npm.start();
                String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                if (!p.waitFor(300, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    throw new IllegalStateException("npm ci in " + jsDir() + " took over 300 s");
                }
                if (p.exitValue() != 0) {
                    throw new IllegalStateException("npm ci in " + jsDir() + " failed (exit " + p.exitValue()
                            + "):\n" + output);
                }
            } catch (IOException e) {
                throw new IllegalStateException("cannot run npm: install Node.js 20+ and npm"
                        + " (apt-get install nodejs npm)", e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted during npm ci", e);
            }
            installed = true;
        }
    }

    private void readReplies() {
        Thread out = new Thread(() -> {
            try (BufferedReader reader = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = reader.readLine()) != null) {
                    try {
                        replies.put(JSON.readTree(line));
                    } catch (IOException e) {
                        stderr.append("[not JSON on stdout] ").append(line).append('\n');
                    }
                }
            } catch (IOException | InterruptedException ignored) {
                // The driver is gone.
            }
        }, "browser-driver-stdout");
        out.setDaemon(true);
        out.start();
        Thread err = new Thread(() -> {
            try (BufferedReader reader = new BufferedReader(
                    new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = reader.readLine()) != null) {
                    stderr.append(line).append('\n');
                }
            } catch (IOException ignored) {
                // The driver is gone.
            }
        }, "browser-driver-stderr");
        err.setDaemon(true);
        err.start();
    }

    private JsonNode await(int id, Duration timeout, String what) {
        try {
            JsonNode reply = replies.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (reply == null) {
                throw new AssertionError("the browser driver did not answer '" + what + "' within " + timeout
                        + "\ndriver stderr:\n" + stderr);
            }
            if (reply.path("id").asInt(-1) != id) {
                throw new AssertionError("the browser driver answered " + reply + " to command " + id);
            }
            return reply;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    synchronized JsonNode call(ObjectNode command) {
        int id = nextId++;
        command.put("id", id);
        command.put("timeout", COMMAND_TIMEOUT.toMillis());
        try {
            commands.write(JSON.writeValueAsString(command) + "\n");
            commands.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("the browser driver is gone; stderr:\n" + stderr, e);
        }
        JsonNode reply = await(id, COMMAND_TIMEOUT.plusSeconds(10), command.toString());
        if (!reply.path("ok").asBoolean()) {
            throw new AssertionError("browser: " + command.path("cmd").asText() + " failed: "
                    + reply.path("error").asText() + "\ncommand: " + command);
        }
        return reply.get("value");
    }

    /**
     * Opens a new tab on a URL.
     *
     * @param name a name for the tab, used in failure messages
     * @param url  the URL
     * @return the tab
     */
    public Page open(String name, URI url) {
        ObjectNode c = JSON.createObjectNode().put("cmd", "open").put("page", name).put("url", url.toString());
        call(c);
        return new Page(this, name);
    }

    /** Closes Chromium and the driver. */
    @Override
    public void close() {
        try {
            if (process.isAlive()) {
                call(JSON.createObjectNode().put("cmd", "close"));
            }
        } catch (RuntimeException | AssertionError ignored) {
            // Closing anyway.
        } finally {
            try {
                commands.close();
            } catch (IOException ignored) {
                // Already closed.
            }
            try {
                if (!process.waitFor(15, TimeUnit.SECONDS)) {
                    process.descendants().forEach(ProcessHandle::destroyForcibly);
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroyForcibly();
            }
        }
    }

    /** One browser tab. */
    public static final class Page {
        private final Browser browser;
        private final String name;

        Page(Browser browser, String name) {
            this.browser = browser;
            this.name = name;
        }

        private ObjectNode command(String cmd) {
            return JSON.createObjectNode().put("cmd", cmd).put("page", name);
        }

        /**
         * Loads another URL in this tab.
         *
         * @param url the URL
         */
        public void go(URI url) {
            browser.call(command("goto").put("url", url.toString()));
        }

        /**
         * Types into a field, replacing its value.
         *
         * @param selector a CSS selector
         * @param value    the text
         */
        public void fill(String selector, String value) {
            browser.call(command("fill").put("selector", selector).put("value", value));
        }

        /**
         * Clicks the first visible element that matches.
         *
         * @param selector a CSS selector (Playwright's selectors are accepted too)
         */
        public void click(String selector) {
            browser.call(command("click").put("selector", selector));
        }

        /**
         * Presses a key in a field.
         *
         * @param selector a CSS selector
         * @param key      a key name such as {@code Enter}
         */
        public void press(String selector, String key) {
            browser.call(command("press").put("selector", selector).put("key", key));
        }

        /**
         * Waits until at least one element matches and contains the text.
         *
         * @param selector a CSS selector
         * @param text     text the element must contain
         */
        public void waitForText(String selector, String text) {
            browser.call(command("waitFor").put("selector", selector).put("text", text));
        }

        /**
         * Waits until exactly {@code count} elements match and contain the text.
         *
         * @param selector a CSS selector
         * @param text     text the elements must contain ({@code ""} for any)
         * @param count    the number
         */
        public void waitForCount(String selector, String text, int count) {
            browser.call(command("waitFor").put("selector", selector).put("text", text).put("count", count));
        }

        /**
         * Waits until an element matches and has an attribute with a value.
         *
         * @param selector  a CSS selector
         * @param attribute the attribute name
         * @param value     the value
         */
        public void waitForAttribute(String selector, String attribute, String value) {
            browser.call(command("waitFor").put("selector", selector).put("text", "")
                    .put("attribute", attribute).put("value", value));
        }

        /**
         * Returns the text of every element that matches.
         *
         * @param selector a CSS selector
         * @return the texts, in document order
         */
        public List<String> texts(String selector) {
            JsonNode value = browser.call(command("texts").put("selector", selector));
            List<String> out = new ArrayList<>();
            value.forEach(v -> out.add(v.asText()));
            return out;
        }

        /**
         * Returns the uncaught script errors of the tab so far.
         *
         * @return the errors
         */
        public List<String> errors() {
            JsonNode value = browser.call(command("errors"));
            List<String> out = new ArrayList<>();
            value.forEach(v -> out.add(v.asText()));
            return out;
        }

        /**
         * Saves a PNG screenshot of the tab.
         *
         * @param path the file
         */
        public void screenshot(Path path) {
            try {
                Files.createDirectories(path.toAbsolutePath().getParent());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            browser.call(command("screenshot").put("path", path.toAbsolutePath().toString()));
        }
    }
}
