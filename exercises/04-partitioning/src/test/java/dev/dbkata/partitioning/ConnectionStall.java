package dev.dbkata.partitioning;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.SQLException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import javax.sql.DataSource;

/**
 * Holds one thread at its next borrow of a connection until the test releases it. Handed to the
 * code under test, it freezes a writer between choosing where to write and writing: the moment a
 * concurrent change of layout must not forget about.
 */
final class ConnectionStall {

    private final AtomicReference<Thread> toStall = new AtomicReference<>();
    private final CountDownLatch arrived = new CountDownLatch(1);
    private final CountDownLatch released = new CountDownLatch(1);

    /** {@code pool}, except that the stalled thread's next {@code getConnection()} waits for {@link #release()}. */
    DataSource around(DataSource pool) {
        return (DataSource) Proxy.newProxyInstance(DataSource.class.getClassLoader(), new Class<?>[] {DataSource.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("getConnection") && args == null
                            && toStall.compareAndSet(Thread.currentThread(), null)) {
                        arrived.countDown();
                        if (!released.await(30, TimeUnit.SECONDS)) {
                            throw new SQLException("the test never released this borrow");
                        }
                    }
                    try {
                        return method.invoke(pool, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    /** The calling thread's next borrow will wait. */
    void stallMyNextBorrow() {
        toStall.set(Thread.currentThread());
    }

    boolean hasSomeoneWaiting() {
        return arrived.getCount() == 0 && released.getCount() > 0;
    }

    void release() {
        released.countDown();
    }
}
