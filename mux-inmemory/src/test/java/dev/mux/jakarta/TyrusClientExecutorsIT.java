package dev.mux.jakarta;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import org.glassfish.tyrus.client.ClientManager;
import org.junit.jupiter.api.Test;

class TyrusClientExecutorsIT {

    @Test
    void testClientsShareExecutorsThatOutliveTheShutdownOfAnyOneClient() {
        ClientManager first = TestContainers.tyrusClient();
        ScheduledExecutorService scheduled = first.getScheduledExecutorService();
        ExecutorService executor = first.getExecutorService();

        assertThat(scheduled).isSameAs(TestContainers.SharedTyrusExecutors.SCHEDULED);
        assertThat(executor).isSameAs(TestContainers.SharedTyrusExecutors.EXECUTOR);
        // What Tyrus does when a client's last connection closes: its own executors would end here.
        first.shutdown();

        assertThat(scheduled.isShutdown()).isFalse();
        assertThat(executor.isShutdown()).isFalse();
        assertThat(first.getScheduledExecutorService()).isSameAs(scheduled);
        assertThat(TestContainers.tyrusClient().getScheduledExecutorService()).isSameAs(scheduled);
    }

    @Test
    void aPlainTyrusClientEndsItsOwnExecutorsOnShutdown() {
        ClientManager plain = ClientManager.createClient();
        ScheduledExecutorService own = plain.getScheduledExecutorService();

        plain.shutdown();

        assertThat(own.isShutdown()).as("the behaviour the shared executors avoid").isTrue();
    }
}
