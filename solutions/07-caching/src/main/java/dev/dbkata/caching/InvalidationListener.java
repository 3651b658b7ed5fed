package dev.dbkata.caching;

import java.net.URI;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;

import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPubSub;
import redis.clients.jedis.exceptions.JedisException;

/**
 * Listens on the invalidation channel on a thread of its own and hands every announced id to
 * {@code onInvalidated}. When the subscription breaks (Redis down), it subscribes again, and
 * reports {@code onResubscribed}: announcements made meanwhile are lost, so the local cache must
 * be dropped as a whole.
 */
final class InvalidationListener implements AutoCloseable {

    static final String CHANNEL = "product-invalidations";

    private final URI redis;
    private final Duration connectTimeout;
    private final Duration retryAfter;
    private final LongConsumer onInvalidated;
    private final Runnable onResubscribed;
    private final CountDownLatch firstSubscription = new CountDownLatch(1);
    private final Thread thread;
    private volatile boolean closed;
    private volatile Subscription current;

    InvalidationListener(URI redis, CacheSettings settings, LongConsumer onInvalidated, Runnable onResubscribed) {
        this.redis = redis;
        this.connectTimeout = settings.redisTimeout();
        this.retryAfter = settings.openFor();
        this.onInvalidated = onInvalidated;
        this.onResubscribed = onResubscribed;
        this.thread = new Thread(this::listen, "product-invalidations");
        this.thread.setDaemon(true);
    }

    /** Starts listening; returns once subscribed, or after {@code atMost} if Redis does not answer. */
    void start(Duration atMost) {
        thread.start();
        try {
            firstSubscription.await(atMost.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void listen() {
        while (!closed) {
            Subscription subscription = new Subscription();
            current = subscription;
            try (Jedis jedis = new Jedis(new HostAndPort(redis.getHost(), redis.getPort()),
                    DefaultJedisClientConfig.builder()
                            .connectionTimeoutMillis(Math.toIntExact(connectTimeout.toMillis()))
                            // A subscriber waits for messages indefinitely.
                            .socketTimeoutMillis(0)
                            .build())) {
                jedis.subscribe(subscription, CHANNEL);
            } catch (JedisException e) {
                if (!closed) {
                    pause();
                }
            }
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
            if (firstSubscription.getCount() == 0) {
                onResubscribed.run();
            }
            firstSubscription.countDown();
        }

        @Override
        public void onMessage(String channel, String message) {
            onInvalidated.accept(Long.parseLong(message));
        }
    }

    @Override
    public void close() {
        closed = true;
        Subscription subscription = current;
        if (subscription != null && subscription.isSubscribed()) {
            try {
                subscription.unsubscribe();
            } catch (JedisException e) {
                // The connection is already gone; the thread ends on its own.
            }
        }
        thread.interrupt();
    }
}
