package dev.mux.examples.load;

import java.util.BitSet;
import java.util.Objects;

/**
 * Which benchmark messages one receiving client got: the first arrival of each, duplicates,
 * late (out of order) arrivals, and, once the senders say how many they sent, the losses.
 *
 * <p>Senders are numbered from 0 and send sequence numbers 0, 1, 2, … in order, so a message
 * with a sequence number below the highest already seen from the same sender arrived late.
 * A sender that stopped early (a failed send, the run's time bound) sent a prefix of its
 * sequence; {@link #lost(long[])} counts only the missing messages of that prefix.
 *
 * <p>Not thread-safe: one ledger belongs to one connection, whose callbacks run one at a time.
 */
public final class DeliveryLedger {

    /** What one recorded arrival was. */
    public enum Outcome {
        /** The first arrival of this message at this client. */
        FIRST,
        /** The message had already arrived at this client. */
        DUPLICATE,
        /** The sender or sequence number is outside the run: not one of ours. */
        OUT_OF_RANGE
    }

    private final int messagesPerSender;
    private final BitSet[] seen;
    private final long[] highestSeq;
    private long unique;
    private long duplicates;
    private long reordered;

    /**
     * Creates an empty ledger.
     *
     * @param senders number of senders in the run, at least 1
     * @param messagesPerSender number of messages each sender may send, at least 1
     * @throws IllegalArgumentException if either count is below 1
     */
    public DeliveryLedger(int senders, int messagesPerSender) {
        if (senders < 1) {
            throw new IllegalArgumentException("senders must be >= 1: " + senders);
        }
        if (messagesPerSender < 1) {
            throw new IllegalArgumentException("messagesPerSender must be >= 1: " + messagesPerSender);
        }
        this.messagesPerSender = messagesPerSender;
        this.seen = new BitSet[senders];
        this.highestSeq = new long[senders];
        for (int s = 0; s < senders; s++) {
            seen[s] = new BitSet(messagesPerSender);
            highestSeq[s] = -1;
        }
    }

    /**
     * Records one arrival.
     *
     * @param sender the sender's number
     * @param seq the message's sequence number at that sender
     * @return whether it was a first arrival, a duplicate, or not part of this run
     */
    public Outcome record(int sender, long seq) {
        if (sender < 0 || sender >= seen.length || seq < 0 || seq >= messagesPerSender) {
            return Outcome.OUT_OF_RANGE;
        }
        int index = (int) seq;
        if (seen[sender].get(index)) {
            duplicates++;
            return Outcome.DUPLICATE;
        }
        seen[sender].set(index);
        unique++;
        if (seq < highestSeq[sender]) {
            reordered++;
        } else {
            highestSeq[sender] = seq;
        }
        return Outcome.FIRST;
    }

    /**
     * Returns how many distinct messages arrived.
     *
     * @return the number of first arrivals
     */
    public long unique() {
        return unique;
    }

    /**
     * Returns how many arrivals repeated a message that had already arrived.
     *
     * @return the number of duplicate arrivals
     */
    public long duplicates() {
        return duplicates;
    }

    /**
     * Returns how many first arrivals came after a later message of the same sender.
     *
     * @return the number of out-of-order first arrivals
     */
    public long reordered() {
        return reordered;
    }

    /**
     * Counts the messages that were sent but never arrived.
     *
     * @param sentPerSender for each sender, how many messages it sent (sequence numbers 0 to
     *     count - 1); one entry per sender
     * @return the number of sent messages missing at this client
     * @throws IllegalArgumentException if the array does not have one entry per sender or an
     *     entry is negative or above the messages per sender
     */
    public long lost(long[] sentPerSender) {
        Objects.requireNonNull(sentPerSender, "sentPerSender");
        if (sentPerSender.length != seen.length) {
            throw new IllegalArgumentException(
                    "sentPerSender must have " + seen.length + " entries: " + sentPerSender.length);
        }
        long lost = 0;
        for (int s = 0; s < seen.length; s++) {
            long sent = sentPerSender[s];
            if (sent < 0 || sent > messagesPerSender) {
                throw new IllegalArgumentException(
                        "sentPerSender[" + s + "] must be in [0, " + messagesPerSender + "]: " + sent);
            }
            lost += sent - seen[s].get(0, (int) sent).cardinality();
        }
        return lost;
    }
}
