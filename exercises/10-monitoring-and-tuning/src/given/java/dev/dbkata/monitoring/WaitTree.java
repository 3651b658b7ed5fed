package dev.dbkata.monitoring;

import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * A session and the sessions that wait for it, recursively: the root blocks everyone below it.
 *
 * @param session the blocker at this level
 * @param waiters the sessions that wait directly for it, each with its own waiters
 */
public record WaitTree(Session session, List<WaitTree> waiters) {

    public WaitTree {
        Objects.requireNonNull(session, "session");
        waiters = List.copyOf(waiters);
    }

    /** This session and every session below it, depth first. */
    public Stream<Session> sessions() {
        return Stream.concat(Stream.of(session), waiters.stream().flatMap(WaitTree::sessions));
    }

    /** The number of levels: 1 for a session nobody waits for. */
    public int depth() {
        return 1 + waiters.stream().mapToInt(WaitTree::depth).max().orElse(0);
    }
}
