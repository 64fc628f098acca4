package lackey.probe;

import java.util.SplittableRandom;

/**
 * Property-based testing without a framework: a fixed number of cases, each drawn from its own generator that
 * is derived from one seed, so a run is reproducible and a failing case can be replayed alone. The seed is
 * random unless the system property {@code lackey.seed} fixes it ({@code -Dlackey.seed=…} on the Maven command
 * line reaches the test JVM), and every failure names it together with the case.
 */
public final class GeneratedCases {

    /** The system property that fixes the seed. */
    public static final String SEED_PROPERTY = "lackey.seed";

    private final long seed;

    private GeneratedCases(long seed) {
        this.seed = seed;
    }

    /** Cases from the seed {@code lackey.seed} gives, or from a fresh random one. */
    public static GeneratedCases fromSystemProperty() {
        String fixed = System.getProperty(SEED_PROPERTY);
        return new GeneratedCases(fixed == null || fixed.isBlank() ? new SplittableRandom().nextLong() : Long.parseLong(fixed.strip()));
    }

    public long seed() {
        return seed;
    }

    /** The generator of case {@code index}: the same for the same seed and index, whatever ran before. */
    public SplittableRandom caseRandom(String property, int index) {
        return new SplittableRandom(seed ^ (property.hashCode() * 0x9E3779B97F4A7C15L) ^ (index * 0xBF58476D1CE4E5B9L));
    }

    /** How to rerun: the seed, as a Maven flag. */
    public String replay() {
        return "seed " + seed + " (rerun with -D" + SEED_PROPERTY + "=" + seed + ")";
    }

    /** An assertion error that says which case of which seed failed, with the failure as its cause. */
    public AssertionError failure(String property, int index, String what, Throwable cause) {
        AssertionError error = new AssertionError(property + ": case " + index + " failed, " + replay() + ": " + what
                + (cause == null ? "" : ": " + cause.getMessage()));
        if (cause != null) {
            error.initCause(cause);
        }
        return error;
    }
}
