package dev.mux.examples.load;

import java.io.IOException;

/** A JVM that holds some heap and idles until its standard input closes: a server stand-in for heap probes. */
public final class IdleJvm {

    private IdleJvm() {
    }

    /**
     * Holds about 8 MB of live objects, prints "ready", and waits for end of input.
     *
     * @param args ignored
     * @throws IOException if standard input fails
     */
    public static void main(String[] args) throws IOException {
        byte[][] held = new byte[8][];
        for (int i = 0; i < held.length; i++) {
            held[i] = new byte[1 << 20];
        }
        System.out.println("ready");
        System.out.flush();
        while (System.in.read() != -1) {
            // Idle until the parent closes our input.
        }
        System.out.println(held.length);
    }
}
