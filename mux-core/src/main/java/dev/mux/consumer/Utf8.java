package dev.mux.consumer;

/** Counts UTF-8 bytes without encoding, for limits on text frames and close reasons. */
final class Utf8 {

    private Utf8() {
    }

    /**
     * Returns the number of bytes {@code s} takes in UTF-8; an unpaired surrogate counts as the
     * three bytes of its replacement character.
     */
    static int length(CharSequence s) {
        int n = s.length();
        long bytes = n;
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c >= 0x80) {
                if (c < 0x800) {
                    bytes += 1;
                } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                    bytes += 2; // four bytes for two chars
                    i++;
                } else {
                    bytes += 2;
                }
            }
        }
        return bytes > Integer.MAX_VALUE ? Integer.MAX_VALUE : (int) bytes;
    }
}
