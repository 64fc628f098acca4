package lackey.run;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What someone asks of a parameter sweep: the fields every run shares (name, command, shared params, tags,
 * timeouts) and one set of params per run, from a list or from a grid. Validated on construction, before any
 * id is reserved: a sweep that exists is a sweep whose every run is a valid {@link RunSpec}.
 *
 * @param common what every run shares; its params are the defaults a run's own params override
 * @param runs   each run's own params, in order (already merged over the shared params)
 */
public record SweepSpec(RunSpec common, List<Map<String, Object>> runs) {

    /** At most this many runs in one sweep. */
    public static final int MAX_RUNS = 10_000;
    /**
     * The answer lists every run's params, and must fit Lambda's 6 MB response with 10,000 ids and tokens
     * beside them: the params of a whole sweep may add up to this many characters (names and values).
     */
    public static final long MAX_PARAM_CHARS = 3_000_000;
    static final String TAG_PREFIX = "sweep-";

    public SweepSpec {
        if (common == null) {
            throw new InvalidInput("a sweep needs the fields its runs share (at least a name)");
        }
        if (runs == null || runs.isEmpty()) {
            throw new InvalidInput("a sweep needs at least one run");
        }
        if (runs.size() > MAX_RUNS) {
            throw new TooLarge("a sweep may have at most " + MAX_RUNS + " runs, this one has " + runs.size());
        }
        if (common.tags().size() >= RunSpec.MAX_TAGS) {
            throw new InvalidInput("a sweep's runs may have at most " + (RunSpec.MAX_TAGS - 1)
                    + " tags of their own: each also gets its sweep's tag, sweep-<first id>");
        }
        var merged = new ArrayList<Map<String, Object>>(runs.size());
        long chars = 0;
        for (int i = 0; i < runs.size(); i++) {
            Map<String, Object> own = runs.get(i) == null ? Map.of() : runs.get(i);
            var params = new LinkedHashMap<String, Object>(common.params());
            params.putAll(own);
            RunSpec checked;
            try {
                // a run's own params come from the request: they are held to its rules, as the shared ones were
                checked = RunSpec.requested(common.name(), common.command(), params, common.tags(), common.timeouts(),
                        Optional.empty());
            } catch (InvalidInput e) {
                throw new InvalidInput("run " + (i + 1) + " of the sweep: " + e.getMessage());
            }
            chars += paramChars(checked.params());
            if (chars > MAX_PARAM_CHARS) {
                throw new TooLarge("the params of this sweep's runs add up to more than " + MAX_PARAM_CHARS
                        + " characters; the answer, which lists them with every id and token, would be too large");
            }
            merged.add(checked.params());
        }
        runs = Collections.unmodifiableList(merged);
    }

    /** A sweep of the given params, one run each, in the order given. */
    public static SweepSpec list(RunSpec common, List<Map<String, Object>> runs) {
        return new SweepSpec(common, runs);
    }

    /**
     * A sweep of every combination of the given values (the cartesian product), in a fixed order: params in
     * the order given, the last one varying fastest, as nested loops would. {@code {"lr": [0.1, 0.01],
     * "layers": [2, 4]}} is lr=0.1 layers=2, lr=0.1 layers=4, lr=0.01 layers=2, lr=0.01 layers=4.
     */
    public static SweepSpec grid(RunSpec common, Map<String, List<Object>> axes) {
        if (axes == null || axes.isEmpty()) {
            throw new InvalidInput("grid needs at least one param with a list of values");
        }
        List<String> names = new ArrayList<>(axes.keySet());
        List<List<Object>> values = new ArrayList<>();
        long size = 1;
        for (String name : names) {
            List<Object> axis = axes.get(name);
            if (axis == null || axis.isEmpty()) {
                throw new InvalidInput("grid." + name + " has no values");
            }
            values.add(List.copyOf(axis));
            size *= axis.size();
            if (size > MAX_RUNS) { // stops before the product can overflow or be built
                throw new TooLarge("the grid has " + describe(axes) + " runs; a sweep may have at most " + MAX_RUNS);
            }
        }
        var runs = new ArrayList<Map<String, Object>>((int) size);
        int[] at = new int[names.size()];
        for (int run = 0; run < size; run++) {
            var params = new LinkedHashMap<String, Object>();
            for (int axis = 0; axis < names.size(); axis++) {
                params.put(names.get(axis), values.get(axis).get(at[axis]));
            }
            runs.add(params);
            for (int axis = names.size() - 1; axis >= 0; axis--) { // an odometer: the last digit turns fastest
                if (++at[axis] < values.get(axis).size()) {
                    break;
                }
                at[axis] = 0;
            }
        }
        return new SweepSpec(common, runs);
    }

    public int size() {
        return runs.size();
    }

    /** The spec of run {@code index}: the shared fields, its params, and the sweep's tag after its own tags. */
    public RunSpec spec(int index, String sweepTag) {
        var tags = new ArrayList<>(common.tags());
        tags.add(sweepTag);
        return new RunSpec(common.name(), common.command(), runs.get(index), tags, common.timeouts());
    }

    /** The tag every run of a sweep carries, named after its first run: {@code GET /api/runs?tag=sweep-17}. */
    public static String tag(RunId first) {
        return TAG_PREFIX + first.value();
    }

    private static long paramChars(Map<String, Object> params) {
        long chars = 0;
        for (var entry : params.entrySet()) {
            chars += entry.getKey().length() + String.valueOf(entry.getValue()).length();
        }
        return chars;
    }

    private static String describe(Map<String, List<Object>> axes) {
        var sizes = new ArrayList<String>();
        axes.values().forEach(axis -> sizes.add(Integer.toString(axis == null ? 0 : axis.size())));
        return String.join(" × ", sizes);
    }
}
