package dev.dbkata.fundamentals;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One page of the feed, newest first, and how to ask for the next one.
 *
 * @param entries    the page's rows, newest first
 * @param nextCursor an opaque token for the page after this one, or {@code null} when there is
 *                   none; callers hand it back unchanged and never look inside
 */
public record Page(List<FeedEntry> entries, String nextCursor) {

    public Page {
        entries = List.copyOf(Objects.requireNonNull(entries, "entries"));
    }

    public Optional<String> next() {
        return Optional.ofNullable(nextCursor);
    }
}
