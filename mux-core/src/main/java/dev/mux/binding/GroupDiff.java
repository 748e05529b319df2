package dev.mux.binding;

import java.util.Collections;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * How an instance's groups changed, and so which action each group hears (Channels 1.x, after
 * Django DDP): DELETE to the groups it left, UPDATE to those it stayed in, CREATE to those it
 * joined. Sets are sorted so that broadcasts go out in a stable order.
 *
 * @param left   groups in the old set only
 * @param stayed groups in both
 * @param joined groups in the new set only
 */
record GroupDiff(SortedSet<String> left, SortedSet<String> stayed, SortedSet<String> joined) {

    /**
     * Compares the old and new groups of an instance.
     *
     * @param before its groups before the change; empty for a created instance
     * @param after  its groups after the change; empty for a deleted instance
     * @return the diff
     */
    static GroupDiff of(Set<String> before, Set<String> after) {
        TreeSet<String> left = new TreeSet<>(before);
        left.removeAll(after);
        TreeSet<String> stayed = new TreeSet<>(before);
        stayed.retainAll(after);
        TreeSet<String> joined = new TreeSet<>(after);
        joined.removeAll(before);
        return new GroupDiff(Collections.unmodifiableSortedSet(left), Collections.unmodifiableSortedSet(stayed),
                Collections.unmodifiableSortedSet(joined));
    }

    /** Tells whether no group hears anything. */
    boolean isEmpty() {
        return left.isEmpty() && stayed.isEmpty() && joined.isEmpty();
    }
}
