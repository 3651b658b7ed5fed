package dev.dbkata.caching;

import java.net.URI;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;

import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.JedisPubSub;
import redis.clients.jedis.exceptions.JedisException;

/**
 * Listens on the invalidation channel on a thread of its own and hands every announced id to
 * {@code onInvalidated}. Pub/sub keeps nothing for a subscriber that is away, so whenever the
 * subscription breaks, and again when it is back, it calls {@code onBreak}: the local cache must
 * be dropped as a whole. Between the two, {@link #isListening()} is false.
 *
 * <p>A subscribed connection only reads, and Jedis reads it without a timeout: a connection that
 * went silent (a peer that vanished without a reset, a dropped route) would never be noticed. So a
 * heartbeat PINGs it every {@code heartbeat}; when nothing at all (message, confirmation, PONG) has
 * come for twice that, the heartbeat closes the connection and the listener subscribes again.
 */
final class InvalidationListener implements AutoCloseable {

    static final String CHANNEL = "product-invalidations";

    private final HostAndPort address;
    private final JedisClientConfig config;
    private final Duration retryAfter;
    private final long silenceLimitNanos;
    private final LongConsumer onInvalidated;
    private final Runnable onBreak;
    private final CountDownLatch firstSubscription = new CountDownLatch(1);
    private final Thread thread;
    private final ScheduledExecutorService heartbeat;
    private final Duration heartbeatEvery;
    private volatile boolean closed;
    private volatile boolean listening;
    private volatile Subscription current;
    private volatile Jedis connection;
    private volatile long lastHeardNanos = System.nanoTime();

    InvalidationListener(URI redis, CacheSettings settings, LongConsumer onInvalidated, Runnable onBreak) {
        this.address = new HostAndPort(redis.getHost(), redis.getPort());
        int timeoutMillis = Math.toIntExact(settings.redisTimeout().toMillis());
        // The timeouts cover connecting and the handshake; once subscribed, Jedis reads without a
        // timeout, and the heartbeat takes over.
        this.config = DefaultJedisClientConfig.builder()
                .connectionTimeoutMillis(timeoutMillis)
                .socketTimeoutMillis(timeoutMillis)
                .build();
        this.retryAfter = settings.openFor();
        this.heartbeatEvery = settings.heartbeat();
        this.silenceLimitNanos = settings.heartbeat().multipliedBy(2).toNanos();
        this.onInvalidated = onInvalidated;
        this.onBreak = onBreak;
        this.thread = new Thread(this::listen, "product-invalidations");
        this.thread.setDaemon(true);
        this.heartbeat = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread beat = new Thread(task, "product-invalidations-heartbeat");
            beat.setDaemon(true);
            return beat;
        });
    }

    /** Starts listening; returns once subscribed, or after {@code atMost} if Redis does not answer. */
    void start(Duration atMost) {
        thread.start();
        long every = heartbeatEvery.toNanos();
        heartbeat.scheduleWithFixedDelay(this::beat, every, every, TimeUnit.NANOSECONDS);
        try {
            firstSubscription.await(atMost.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Whether the subscription is confirmed and has not broken since: only then are local copies safe. */
    boolean isListening() {
        return listening;
    }

    private void listen() {
        while (!closed) {
            Subscription subscription = new Subscription();
            current = subscription;
            heard();
            try (Jedis jedis = new Jedis(address, config)) {
                connection = jedis;
                if (!closed) {
                    jedis.subscribe(subscription, CHANNEL);
                }
            } catch (JedisException e) {
                // Reset, refused, timed out, or closed by the heartbeat: subscribe again below.
            } finally {
                connection = null;
            }
            if (listening) {
                listening = false;
                onBreak.run();
            }
            if (!closed) {
                pause();
            }
        }
    }

    private void heard() {
        lastHeardNanos = System.nanoTime();
    }

    /** On the heartbeat's thread: PING the subscription, and give up on a connection that stays silent. */
    private void beat() {
        Subscription subscription = current;
        if (subscription != null && subscription.isSubscribed()) {
            try {
                subscription.ping();
            } catch (JedisException | IllegalStateException e) {
                // The connection is breaking; the silence check below or the listener notices.
            }
        }
        Jedis silent = connection;
        if (silent != null && System.nanoTime() - lastHeardNanos > silenceLimitNanos) {
            // Closing the socket wakes the listener's blocked read with an error.
            silent.disconnect();
        }
    }

    private void pause() {
        try {
            Thread.sleep(retryAfter.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closed = true;
        }
    }

    private final class Subscription extends JedisPubSub {

        @Override
        public void onSubscribe(String channel, int subscribedChannels) {
            heard();
            if (firstSubscription.getCount() == 0) {
                // Back after a break: whatever was announced meanwhile is lost.
                onBreak.run();
            }
            listening = true;
            firstSubscription.countDown();
        }

        @Override
        public void onMessage(String channel, String message) {
            heard();
            onInvalidated.accept(Long.parseLong(message));
        }

        @Override
        public void onPong(String pattern) {
            heard();
        }
    }

    @Override
    public void close() {
        closed = true;
        heartbeat.shutdownNow();
        Subscription subscription = current;
        if (subscription != null && subscription.isSubscribed()) {
            try {
                subscription.unsubscribe();
            } catch (JedisException e) {
                // The connection is already gone; the thread ends on its own.
            }
        }
        Jedis open = connection;
        if (open != null) {
            open.disconnect();
        }
        thread.interrupt();
    }
}
