package lackey.aws;

import java.util.function.Supplier;

/**
 * Builds a value on first use, once, thread-safely. SDK clients are costly to build on a cold start
 * (class loading, endpoint rules), and not every function uses every client: GET never touches S3.
 */
final class Lazy<T> implements Supplier<T> {

    private final Supplier<T> factory;
    private volatile T value;

    Lazy(Supplier<T> factory) {
        this.factory = factory;
    }

    @Override
    public T get() {
        T current = value;
        if (current == null) {
            synchronized (this) {
                current = value;
                if (current == null) {
                    current = factory.get();
                    value = current;
                }
            }
        }
        return current;
    }
}
