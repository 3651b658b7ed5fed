package dev.dbkata.caching;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/** How long a cached entry lives: a random share of the jitter on top of the base TTL. */
final class Expiry {

    private final CacheSettings settings;

    Expiry(CacheSettings settings) {
        this.settings = settings;
    }

    /** A time in {@code [ttl, ttl + ttlJitter]}, drawn anew for every write. */
    Duration forProduct() {
        long jitterMillis = settings.ttlJitter().toMillis();
        long extra = jitterMillis == 0 ? 0 : ThreadLocalRandom.current().nextLong(jitterMillis + 1);
        return settings.ttl().plusMillis(extra);
    }

    Duration forAbsence() {
        return settings.negativeTtl();
    }
}
