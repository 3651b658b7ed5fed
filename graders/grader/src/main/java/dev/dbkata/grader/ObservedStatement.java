package dev.dbkata.grader;

/**
 * One SQL statement a database server received from the learner's code during a test, as its
 * statement log recorded it: which node (and in which role) saw it, and the text.
 *
 * @param node the node's name in the topology ({@code primary}, {@code replica1}, {@code shard0}...)
 * @param role what the node was when it logged the statement ({@code primary}, {@code replica}...)
 * @param sql  the statement as the server logged it
 */
public record ObservedStatement(String node, String role, String sql) {
}
