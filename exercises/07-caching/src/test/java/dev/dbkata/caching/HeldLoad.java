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
    private final boolean releasedByLaterLoad;

    private HeldLoad(DataSource dataSource, boolean failWhenReleased, boolean releasedByLaterLoad) {
        super(dataSource);
        this.failWhenReleased = failWhenReleased;
        this.releasedByLaterLoad = releasedByLaterLoad;
    }

    /** The first load waits for {@link #release()} and then returns its row. */
    static HeldLoad untilReleased(DataSource dataSource) {
        return new HeldLoad(dataSource, false, false);
    }

    /** The first load waits for {@link #release()} and then fails, like a loader whose database call broke. */
    static HeldLoad untilReleasedThenFailing(DataSource dataSource) {
        return new HeldLoad(dataSource, true, false);
    }

    /**
     * The first load waits for {@link #release()} or for a second load to start (a guard that let
     * another caller through), whichever comes first: a broken guard is shown at once, with no
     * wait.
     */
    static HeldLoad untilReleasedOrAnotherLoad(DataSource dataSource) {
        return new HeldLoad(dataSource, false, true);
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
            released.await(LONGEST_HOLD.toMillis(), TimeUnit.MILLISECONDS);
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

    /** Whether a first load has read its row and stopped (it may have been let go since). */
    boolean wasHeld() {
        return held.getCount() == 0;
    }

    /** Whether the held load was let go, by the test or by a second load. */
    boolean isReleased() {
        return released.getCount() == 0;
    }

    void release() {
        released.countDown();
    }
}
