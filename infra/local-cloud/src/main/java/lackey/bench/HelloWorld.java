package lackey.bench;

/** The baseline of the cold-start benchmark: the least a JVM can do. */
public final class HelloWorld {

    private HelloWorld() {
    }

    public static void main(String[] args) {
        System.out.println("hello");
    }
}
