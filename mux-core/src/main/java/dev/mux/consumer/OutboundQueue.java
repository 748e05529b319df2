package dev.mux.consumer;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * One connection's outbound frames, bounded by count and bytes, written through its
 * {@link Transport} one at a time.
 *
 * <p>Only one send is outstanding at any time: the next frame goes out when the previous
 * send's callback reports it written. A client that does not read therefore stops the
 * callbacks, the queue fills up, and {@link #offer} reports {@link Offer#OVERFLOW} instead of
 * growing: the queue then drops its frames and closes the transport at once with
 * {@value CloseCodes#TRY_AGAIN_LATER}.
 *
 * <p>Thread-safe. The lock guards only field updates: the transport is always called outside
 * it, by whichever thread wins the drain loop, so a transport that completes a send on the
 * calling thread does not recurse.
 */
final class OutboundQueue {

    enum Offer { QUEUED, DROPPED, OVERFLOW }

    /** Hears about each frame written; called outside the lock on the sender's callback thread. */
    @FunctionalInterface
    interface FrameSent {
        void sent(boolean binary, long bytes);
    }

    /** A queued frame: text, binary, or close. */
    private record Frame(String text, ByteBuffer binary, int closeCode, String closeReason, long size) {
        static Frame text(String text) {
            return new Frame(text, null, 0, null, Utf8.length(text));
        }

        static Frame binary(ByteBuffer data) {
            return new Frame(null, data, 0, null, data.remaining());
        }

        static Frame close(int code, String reason) {
            return new Frame(null, null, code, reason, 0);
        }
    }

    private final int maxMessages;
    private final long maxBytes;
    private final Consumer<Throwable> onSendFailure;
    private final FrameSent onSent;
    private final Object lock = new Object();
    private final AtomicInteger wip = new AtomicInteger();

    // Guarded by lock.
    private final ArrayDeque<Frame> frames = new ArrayDeque<>();
    private Frame sending;
    private long bytes;
    private Transport transport;
    private boolean closed;      // no more frames accepted
    private Frame closeFrame;    // the close to send
    private boolean closeFirst;  // send the close without waiting for queued frames
    private boolean closeSent;
    private boolean abandoned;   // the transport is gone: call it no more
    private int overflowMessages;
    private long overflowBytes;
    private int overflowDropped;

    OutboundQueue(int maxMessages, long maxBytes, Consumer<Throwable> onSendFailure) {
        this(maxMessages, maxBytes, onSendFailure, null);
    }

    OutboundQueue(int maxMessages, long maxBytes, Consumer<Throwable> onSendFailure, FrameSent onSent) {
        this.maxMessages = maxMessages;
        this.maxBytes = maxBytes;
        this.onSendFailure = onSendFailure;
        this.onSent = onSent;
    }

    Offer offerText(String text) {
        return offer(Frame.text(text));
    }

    Offer offerBinary(ByteBuffer data) {
        return offer(Frame.binary(data));
    }

    private Offer offer(Frame frame) {
        Offer result;
        synchronized (lock) {
            if (closed || abandoned) {
                return Offer.DROPPED;
            }
            int queued = frames.size() + (sending == null ? 0 : 1);
            if (queued == 0 || (queued < maxMessages && bytes + frame.size <= maxBytes)) {
                frames.add(frame);
                bytes += frame.size;
                result = Offer.QUEUED;
            } else {
                overflowMessages = queued;
                overflowBytes = bytes;
                overflowDropped = frames.size() + 1; // the queued frames and the one offered
                closed = true;
                frames.clear();
                bytes = sending == null ? 0 : sending.size;
                closeFrame = Frame.close(CloseCodes.TRY_AGAIN_LATER, "outbound queue full");
                closeFirst = true;
                result = Offer.OVERFLOW;
            }
        }
        drain();
        return result;
    }

    /** Sends a close after the frames already queued; later offers are dropped. */
    void close(int code, String reason) {
        synchronized (lock) {
            if (closed || abandoned) {
                return;
            }
            closed = true;
            closeFrame = Frame.close(code, reason);
        }
        drain();
    }

    /** Drops the queued frames and sends a close at once (as soon as a transport is attached). */
    void closeNow(int code, String reason) {
        synchronized (lock) {
            if (abandoned || closeSent) {
                return;
            }
            closed = true;
            frames.clear();
            bytes = sending == null ? 0 : sending.size;
            closeFrame = Frame.close(code, reason);
            closeFirst = true;
        }
        drain();
    }

    /** Starts writing through the transport. */
    void attach(Transport t) {
        synchronized (lock) {
            if (transport != null) {
                throw new IllegalStateException("a transport is already attached");
            }
            transport = t;
        }
        drain();
    }

    /** The transport is gone: drop everything and never call it again. */
    void abandon() {
        synchronized (lock) {
            abandoned = true;
            closed = true;
            frames.clear();
            bytes = 0;
        }
    }

    /** Tells whether a close was or will be sent. */
    boolean isClosing() {
        synchronized (lock) {
            return closeFrame != null;
        }
    }

    int queuedMessages() {
        synchronized (lock) {
            return frames.size() + (sending == null ? 0 : 1);
        }
    }

    long queuedBytes() {
        synchronized (lock) {
            return bytes;
        }
    }

    /** The queue's size when it overflowed, for the log line. */
    String overflowDescription() {
        synchronized (lock) {
            return overflowMessages + " messages / " + overflowBytes + " bytes queued (limits " + maxMessages
                    + " / " + maxBytes + ")";
        }
    }

    /** How many frames the overflow dropped: those queued and the one offered. */
    int overflowDropped() {
        synchronized (lock) {
            return overflowDropped;
        }
    }

    private void drain() {
        if (wip.getAndIncrement() != 0) {
            return; // another thread is in the loop and will see our change
        }
        int missed = 1;
        while (true) {
            while (true) {
                Transport t;
                Frame next;
                boolean isClose = false;
                synchronized (lock) {
                    t = transport;
                    if (t == null || abandoned || closeSent) {
                        break;
                    }
                    if (closeFrame != null && (closeFirst || (frames.isEmpty() && sending == null))) {
                        next = closeFrame;
                        closeSent = true;
                        isClose = true;
                    } else if (sending == null && !frames.isEmpty()) {
                        next = frames.poll();
                        sending = next;
                    } else {
                        break;
                    }
                }
                if (isClose) {
                    try {
                        t.close(next.closeCode, next.closeReason);
                    } catch (RuntimeException e) {
                        onSendFailure.accept(e);
                    }
                } else {
                    send(t, next);
                }
            }
            missed = wip.addAndGet(-missed);
            if (missed == 0) {
                return;
            }
        }
    }

    private void send(Transport t, Frame frame) {
        Transport.SendCallback done = failure -> sent(frame, failure);
        try {
            if (frame.text != null) {
                t.sendText(frame.text, done);
            } else {
                t.sendBinary(frame.binary.duplicate(), done);
            }
        } catch (RuntimeException e) {
            sent(frame, e);
        }
    }

    private void sent(Frame frame, Throwable failure) {
        synchronized (lock) {
            if (sending == frame) {
                sending = null;
                bytes = Math.max(0, bytes - frame.size);
            }
            if (failure != null) {
                abandoned = true;
                closed = true;
                frames.clear();
                bytes = 0;
            }
        }
        if (failure != null) {
            onSendFailure.accept(failure);
        } else {
            if (onSent != null) {
                onSent.sent(frame.text == null, frame.size);
            }
            drain();
        }
    }
}
