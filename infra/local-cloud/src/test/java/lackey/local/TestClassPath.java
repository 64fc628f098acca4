package lackey.local;

/** The class path child JVMs of a test need: the real one, not the manifest-only jar of the test runner. */
final class TestClassPath {

    private TestClassPath() {
    }

    static String get() {
        String surefire = System.getProperty("surefire.test.class.path");
        return surefire != null && !surefire.isBlank() ? surefire : System.getProperty("java.class.path");
    }
}
