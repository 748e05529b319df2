package dev.mux.examples.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mux.examples.load.DeliveryLedger.Outcome;
import org.junit.jupiter.api.Test;

class DeliveryLedgerTest {

    @Test
    void everyMessageOnceInOrderIsNeitherLostNorDuplicated() {
        DeliveryLedger ledger = new DeliveryLedger(2, 3);
        for (int s = 0; s < 2; s++) {
            for (int seq = 0; seq < 3; seq++) {
                assertThat(ledger.record(s, seq)).isEqualTo(Outcome.FIRST);
            }
        }

        assertThat(ledger.unique()).isEqualTo(6);
        assertThat(ledger.duplicates()).isZero();
        assertThat(ledger.reordered()).isZero();
        assertThat(ledger.lost(new long[] {3, 3})).isZero();
    }

    @Test
    void aRepeatedMessageCountsAsDuplicateNotAsDelivery() {
        DeliveryLedger ledger = new DeliveryLedger(1, 5);
        ledger.record(0, 0);
        ledger.record(0, 1);

        assertThat(ledger.record(0, 1)).isEqualTo(Outcome.DUPLICATE);
        assertThat(ledger.record(0, 1)).isEqualTo(Outcome.DUPLICATE);
        assertThat(ledger.unique()).isEqualTo(2);
        assertThat(ledger.duplicates()).isEqualTo(2);
        assertThat(ledger.lost(new long[] {2})).isZero();
    }

    @Test
    void missingMessagesAreCountedPerSender() {
        DeliveryLedger ledger = new DeliveryLedger(2, 4);
        ledger.record(0, 0);
        ledger.record(0, 3);
        ledger.record(1, 1);

        // sender 0 lost 1 and 2; sender 1 lost 0, 2 and 3.
        assertThat(ledger.lost(new long[] {4, 4})).isEqualTo(5);
    }

    @Test
    void aSenderThatStoppedEarlyOnlyOwesWhatItSent() {
        DeliveryLedger ledger = new DeliveryLedger(1, 10);
        ledger.record(0, 0);
        ledger.record(0, 1);

        assertThat(ledger.lost(new long[] {2})).isZero();
        assertThat(ledger.lost(new long[] {3})).isEqualTo(1);
        assertThat(ledger.lost(new long[] {0})).isZero();
    }

    @Test
    void aLateArrivalCountsAsReorderedButDelivered() {
        DeliveryLedger ledger = new DeliveryLedger(1, 5);
        ledger.record(0, 0);
        ledger.record(0, 2);

        assertThat(ledger.record(0, 1)).isEqualTo(Outcome.FIRST);
        ledger.record(0, 3);

        assertThat(ledger.reordered()).isEqualTo(1);
        assertThat(ledger.unique()).isEqualTo(4);
        assertThat(ledger.lost(new long[] {4})).isZero();
    }

    @Test
    void ordersAreTrackedPerSender() {
        DeliveryLedger ledger = new DeliveryLedger(2, 5);
        ledger.record(0, 4);
        ledger.record(1, 0);
        ledger.record(1, 1);

        assertThat(ledger.reordered()).isZero();
    }

    @Test
    void messagesOutsideTheRunAreNeitherCountedNorFatal() {
        DeliveryLedger ledger = new DeliveryLedger(2, 3);

        assertThat(ledger.record(2, 0)).isEqualTo(Outcome.OUT_OF_RANGE);
        assertThat(ledger.record(-1, 0)).isEqualTo(Outcome.OUT_OF_RANGE);
        assertThat(ledger.record(0, 3)).isEqualTo(Outcome.OUT_OF_RANGE);
        assertThat(ledger.record(0, -1)).isEqualTo(Outcome.OUT_OF_RANGE);
        assertThat(ledger.unique()).isZero();
        assertThat(ledger.duplicates()).isZero();
        assertThat(ledger.lost(new long[] {3, 3})).isEqualTo(6);
    }

    @Test
    void invalidSizesAreRefusedWithTheirValues() {
        assertThatThrownBy(() -> new DeliveryLedger(0, 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("senders must be >= 1: 0");
        assertThatThrownBy(() -> new DeliveryLedger(1, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("messagesPerSender must be >= 1: 0");
    }

    @Test
    void lostNeedsOneValidCountPerSender() {
        DeliveryLedger ledger = new DeliveryLedger(2, 3);

        assertThatThrownBy(() -> ledger.lost(new long[] {3}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("2 entries: 1");
        assertThatThrownBy(() -> ledger.lost(new long[] {3, 4}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("sentPerSender[1]").hasMessageContaining("4");
        assertThatThrownBy(() -> ledger.lost(new long[] {-1, 0}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("sentPerSender[0]");
    }
}
