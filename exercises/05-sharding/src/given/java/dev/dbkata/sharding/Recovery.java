package dev.dbkata.sharding;

import java.util.List;

/**
 * What a recovery did: the transfers it committed (their decision was commit) and the ones it
 * rolled back (no decision logged), by transfer id, each once, in any order.
 */
public record Recovery(List<String> committed, List<String> rolledBack) {

    public Recovery {
        committed = List.copyOf(committed);
        rolledBack = List.copyOf(rolledBack);
    }
}
