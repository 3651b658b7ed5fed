package dev.dbkata.captheorem;

import java.util.OptionalLong;

/**
 * A read's result and how stale it may be.
 *
 * @param value           what the work returned
 * @param bytesBehindAtMost an upper bound on how many bytes of WAL the primary had written that
 *                        the answering replica had not replayed: 0 for a {@link Consistency#CONSISTENT}
 *                        answer; empty when the reader could not ask the primary (it is cut off)
 * @param <T>             the work's result type
 */
public record Answer<T>(T value, OptionalLong bytesBehindAtMost) {

    public Answer {
        if (bytesBehindAtMost == null) {
            throw new IllegalArgumentException("bytesBehindAtMost is empty when unknown, never null");
        }
    }
}
