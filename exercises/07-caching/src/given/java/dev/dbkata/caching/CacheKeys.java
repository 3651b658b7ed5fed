package dev.dbkata.caching;

/**
 * The names of the Redis keys the tests look at. Other keys (locks, versions, channels) are yours
 * to name; keep them apart from these.
 */
public final class CacheKeys {

    private CacheKeys() {
    }

    /**
     * Where the cached copy of a product lives: {@code product:42}. It holds either
     * {@link ProductCodec#encode(Product)} or, for a product that does not exist,
     * {@link ProductCodec#ABSENT}.
     */
    public static String product(long id) {
        return "product:" + id;
    }
}
