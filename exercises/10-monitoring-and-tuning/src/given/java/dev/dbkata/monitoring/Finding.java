package dev.dbkata.monitoring;

import java.util.Objects;

/**
 * One problem found in an executed plan, tied to the plan node that shows it.
 *
 * @param kind     what was found
 * @param nodeType the node's {@code "Node Type"} in {@code EXPLAIN (FORMAT JSON)}: {@code Seq Scan},
 *                 {@code Sort}, {@code Hash}, {@code Nested Loop}, ...
 * @param relation the node's {@code "Relation Name"}, or {@code null} for nodes that read no table
 * @param detail   the evidence in words, with the numbers from the plan (rows, estimates, batches)
 */
public record Finding(FindingKind kind, String nodeType, String relation, String detail) {

    public Finding {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(nodeType, "nodeType");
        Objects.requireNonNull(detail, "detail");
    }

    @Override
    public String toString() {
        return kind + " at " + nodeType + (relation == null ? "" : " on " + relation) + ": " + detail;
    }
}
