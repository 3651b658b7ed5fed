package dev.dbkata.caching;

/**
 * Turns a product into the string stored in Redis and back. Given, because the lesson is when to
 * store, not how to serialise.
 */
public final class ProductCodec {

    /** The value that says "this product does not exist", for negative caching. */
    public static final String ABSENT = "absent";

    private static final char SEPARATOR = '|';

    private ProductCodec() {
    }

    /** {@code version|priceCents|id|name}; the name goes last because it may contain anything. */
    public static String encode(Product product) {
        return product.version() + "" + SEPARATOR + product.priceCents() + SEPARATOR + product.id() + SEPARATOR
                + product.name();
    }

    /**
     * @throws IllegalArgumentException for {@link #ABSENT} or anything {@link #encode} did not produce
     */
    public static Product decode(String value) {
        String[] parts = value.split("\\|", 4);
        if (parts.length != 4) {
            throw new IllegalArgumentException("Not an encoded product: " + value);
        }
        return new Product(Long.parseLong(parts[2]), parts[3], Integer.parseInt(parts[1]), Long.parseLong(parts[0]));
    }
}
