package dev.dbkata.caching;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import javax.sql.DataSource;

import dev.dbkata.testkit.Waits;

/**
 * A {@link ProductTable} whose first load stops right after its SELECT, holding the row it read,
 * until the test lets it go: the test decides what happens between a loader's read and its cache
 * write. Later loads run freely.
 */
final class HeldLoad extends ProductTable {

    /** Even a held load gives up after this, so that a failing test never leaves a thread behind. */
    private static final Duration LONGEST_HOLD = Duration.ofSeconds(10);

    private final AtomicBoolean firstTaken = new AtomicBoolean();
    private final CountDownLatch held = new CountDownLatch(1);
    private final CountDownLatch released = new CountDownLatch(1);
    private final boolean failWhenReleased;
    private final Duration window;
    private final boolean releasedByLaterLoad;

    private HeldLoad(DataSource dataSource, boolean failWhenReleased, Duration window, boolean releasedByLaterLoad) {
        super(dataSource);
        this.failWhenReleased = failWhenReleased;
        this.window = window;
        this.releasedByLaterLoad = releasedByLaterLoad;
    }

    /** The first load waits for {@link #release()} and then returns its row. */
    static HeldLoad untilReleased(DataSource dataSource) {
        return new HeldLoad(dataSource, false, LONGEST_HOLD, false);
    }

    /** The first load waits for {@link #release()} and then fails, like a loader whose database call broke. */
    static HeldLoad untilReleasedThenFailing(DataSource dataSource) {
        return new HeldLoad(dataSource, true, LONGEST_HOLD, false);
    }

    /**
     * The first load waits until a second load starts (a guard that let another caller through)
     * or until {@code window} has passed, whichever comes first. A correct guard never starts a
     * second load, so the window only bounds how long the other callers get to pile up behind
     * the first; it must stay well below the lock's expiry.
     */
    static HeldLoad untilAnotherLoadOr(DataSource dataSource, Duration window) {
        return new HeldLoad(dataSource, false, window, true);
    }

    @Override
    public Optional<Product> findById(long id) {
        Optional<Product> row = super.findById(id);
        if (!firstTaken.compareAndSet(false, true)) {
            if (releasedByLaterLoad) {
                released.countDown();
            }
            return row;
        }
        held.countDown();
        try {
            released.await(window.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (failWhenReleased) {
            throw new DatabaseException("Injected failure: the loader lost its database connection", null);
        }
        return row;
    }

    /**
     * Waits until the first load, made by {@code firstRead}, has read its row and stopped.
     *
     * @throws AssertionError with the read's own failure if it ended without loading
     */
    void awaitHeld(Future<?> firstRead) {
        Waits.until("the first read to load the product through the ProductTable", Duration.ofSeconds(5),
                () -> held.getCount() == 0 || firstRead.isDone());
        if (held.getCount() != 0) {
            Callers.result(firstRead, Duration.ZERO, "the first read");
            throw new AssertionError("The first read returned without loading through the ProductTable: a miss"
                    + " must load the product from PostgreSQL");
        }
    }

    void release() {
        released.countDown();
    }
}
