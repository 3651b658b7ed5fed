package dev.dbkata.fundamentals;

import java.time.Instant;

/** One row of the activity feed: a time entry as the feed shows it. */
public record FeedEntry(long id, Instant createdAt, String note) {
}
