package lackey.run;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * A run's exchange folder in the runs bucket: {@code exchange/{id}/in/} for the files the run reads,
 * {@code exchange/{id}/out/} for the files it writes. File names are checked here, so a name can never
 * reach another run's folder or another side of this one.
 */
public final class ExchangeFolder {

    static final String ROOT = "exchange/";
    public static final int MAX_NAME = 200;
    public static final int MAX_FILES = 100;

    private ExchangeFolder() {
    }

    /** Which side of the folder a file is on. */
    public enum Side {
        IN("in/"), OUT("out/");

        private final String folder;

        Side(String folder) {
            this.folder = folder;
        }
    }

    /** {@code exchange/{id}/}: everything of one run. */
    public static String prefix(RunId run) {
        return ROOT + run + "/";
    }

    /** {@code exchange/{id}/in/} or {@code exchange/{id}/out/}. */
    public static String prefix(RunId run, Side side) {
        return prefix(run) + side.folder;
    }

    /** The key of a file already checked with {@link #names}. */
    public static String key(RunId run, Side side, String name) {
        return prefix(run, side) + name;
    }

    /**
     * The input names a schedule asks for, checked: each 1 to {@value #MAX_NAME} characters, no {@code /} or
     * {@code \}, not {@code .} or {@code ..} (nor containing {@code ..}), single-line text as {@link TextField}
     * reads it (no control characters, no whitespace at either end); at most
     * {@value #MAX_FILES}; duplicates collapse to one. An empty name (a form's {@code inputs=} or {@code a,,b}) is
     * refused like any other bad name, never skipped: the caller meant something by it.
     */
    public static List<String> names(List<String> requested) {
        return names(Side.IN, requested);
    }

    /** The names of files on one side of the folder, checked by the rules of {@link #names(List)}. */
    public static List<String> names(Side side, List<String> requested) {
        String kind = side == Side.IN ? "input" : "output";
        var unique = new LinkedHashSet<String>();
        for (String raw : requested == null ? List.<String>of() : requested) {
            String name = raw == null ? "" : raw;
            if (name.isEmpty() || name.length() > MAX_NAME) {
                throw new InvalidInput(kind + " names must be 1 to " + MAX_NAME + " characters, got one of " + name.length());
            }
            if (name.indexOf('/') >= 0 || name.indexOf('\\') >= 0) {
                throw new InvalidInput(kind + " name '" + RunId.abbreviate(name) + "' must not contain a slash");
            }
            if (name.contains("..") || name.equals(".")) {
                throw new InvalidInput(kind + " name '" + RunId.abbreviate(name) + "' must not be . or contain ..");
            }
            TextField.singleLine(kind + " name '" + RunId.abbreviate(name) + "'", name);
            unique.add(name);
        }
        if (unique.size() > MAX_FILES) {
            throw new InvalidInput("at most " + MAX_FILES + " " + kind + "s are allowed, got " + unique.size());
        }
        return new ArrayList<>(unique);
    }
}
