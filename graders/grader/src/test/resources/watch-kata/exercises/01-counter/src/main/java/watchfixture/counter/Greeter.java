package watchfixture.counter;

public final class Greeter {
    public static String hello() {
        throw new UnsupportedOperationException("TODO(greet): say hello");
    }
}
