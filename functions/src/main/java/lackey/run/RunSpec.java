package lackey.run;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What someone asks lackey to run: a name, an optional shell command (which makes the run dispatched),
 * flat parameters and tags. Validated on construction, so a spec that exists is a spec we accept: sizes, counts
 * and value types. A spec read from a request is made with {@link #requested}, which also holds it to the rules of
 * request text and numbers; the store reads specs back with the constructor, so a run stored before a rule existed
 * stays readable.
 *
 * @param params scalar values only: {@link String}, {@link BigDecimal} or {@link Boolean}
 * @param waitFor another run's output this run waits for: it is dispatched when that file lands (a pipeline)
 */
public record RunSpec(String name, Optional<String> command, Map<String, Object> params, List<String> tags,
                      Timeouts timeouts, Optional<OutputFile> waitFor) {

    static final int MAX_NAME = 200;
    static final int MAX_COMMAND = 4096;
    static final int MAX_PARAMS = 100;
    static final int MAX_PARAM_KEY = 100;
    static final int MAX_PARAM_TEXT = 4096;
    static final int MAX_TAGS = 20;
    static final int MAX_TAG = 64;

    public RunSpec {
        if (name == null || name.isBlank()) {
            throw new InvalidInput("name is required");
        }
        if (name.length() > MAX_NAME) {
            throw new InvalidInput("name is longer than " + MAX_NAME + " characters");
        }
        command = command == null ? Optional.empty() : command;
        if (command.isPresent() && command.get().isBlank()) {
            throw new InvalidInput("command is blank: give a command or leave the field out");
        }
        if (command.isPresent() && command.get().length() > MAX_COMMAND) {
            throw new InvalidInput("command is longer than " + MAX_COMMAND + " characters");
        }
        params = Collections.unmodifiableMap(new LinkedHashMap<>(checkedParams(params == null ? Map.of() : params)));
        tags = List.copyOf(checkedTags(tags == null ? List.of() : tags));
        timeouts = timeouts == null ? Timeouts.DEFAULTS : timeouts;
        waitFor = waitFor == null ? Optional.empty() : waitFor;
        if (waitFor.isPresent() && command.isEmpty()) {
            throw new InvalidInput("waitFor needs a command: only a dispatched run can wait for a file");
        }
    }

    /** A spec that waits for nothing. */
    public RunSpec(String name, Optional<String> command, Map<String, Object> params, List<String> tags,
                   Timeouts timeouts) {
        this(name, command, params, tags, timeouts, Optional.empty());
    }

    /** A spec with the default timeouts. */
    public RunSpec(String name, Optional<String> command, Map<String, Object> params, List<String> tags) {
        this(name, command, params, tags, Timeouts.DEFAULTS);
    }

    /**
     * A spec as a request asks for it, held to the rules of request values and kept exactly as given: the name, the
     * tags and the params' names are single-line text, the command and the params' string values multi-line text
     * ({@link TextField}: nothing is trimmed, control characters are refused), and numbers fit what DynamoDB stores
     * ({@link #checkedNumber}), so that a param never fails at the write.
     */
    public static RunSpec requested(String name, Optional<String> command, Map<String, Object> params, List<String> tags,
                                    Timeouts timeouts, Optional<OutputFile> waitFor) {
        if (name != null) {
            TextField.singleLine("name", name);
        }
        if (command != null && command.isPresent()) {
            TextField.multiLine("command", command.get());
        }
        if (params != null) {
            params.forEach((key, value) -> {
                if (key != null && !key.isEmpty()) {
                    TextField.singleLine("param name '" + RunId.abbreviate(key) + "'", key);
                }
                switch (value) {
                    case String text -> TextField.multiLine("param '" + RunId.abbreviate(key) + "'", text);
                    case BigDecimal number -> checkedNumber("param '" + RunId.abbreviate(key) + "'", number);
                    case null, default -> { } // the constructor says what is wrong with anything else
                }
            });
        }
        if (tags != null) {
            for (String tag : tags) {
                if (tag != null && !tag.isEmpty()) {
                    TextField.singleLine("tag '" + RunId.abbreviate(tag) + "'", tag);
                }
            }
        }
        return new RunSpec(name, command, params, tags, timeouts, waitFor);
    }

    /** {@link #requested} with the same fields as {@code spec} and other params: one run of a sweep. */
    public static RunSpec requested(RunSpec spec, Map<String, Object> params, List<String> tags) {
        return requested(spec.name(), spec.command(), params, tags, spec.timeouts(), spec.waitFor());
    }

    /** A run with a command is dispatched: its "Run Scheduled" event starts the simulation. */
    public boolean dispatched() {
        return command.isPresent();
    }

    private static Map<String, Object> checkedParams(Map<String, Object> params) {
        if (params.size() > MAX_PARAMS) {
            throw new InvalidInput("at most " + MAX_PARAMS + " params are allowed");
        }
        var checked = new LinkedHashMap<String, Object>();
        params.forEach((key, value) -> {
            if (key == null || key.isBlank() || key.length() > MAX_PARAM_KEY) {
                throw new InvalidInput("param names must be 1 to " + MAX_PARAM_KEY + " characters");
            }
            checked.put(key, checkedParamValue(key, value));
        });
        return checked;
    }

    private static Object checkedParamValue(String key, Object value) {
        return switch (value) {
            case String text when text.length() <= MAX_PARAM_TEXT -> text;
            case String ignored -> throw new InvalidInput("param '" + key + "' is longer than " + MAX_PARAM_TEXT + " characters");
            case Boolean flag -> flag;
            case BigDecimal number -> number;
            case Integer number -> BigDecimal.valueOf(number);
            case Long number -> BigDecimal.valueOf(number);
            case Double number when Double.isFinite(number) -> checkedNumber("param '" + key + "'", BigDecimal.valueOf(number));
            case null, default -> throw new InvalidInput("param '" + key + "' must be a string, number or boolean");
        };
    }

    /** DynamoDB's number type: up to 38 significant digits, a magnitude from 1E-130 to below 1E+126, or zero. */
    static final int MAX_SIGNIFICANT_DIGITS = 38;
    static final int MIN_EXPONENT = -130;
    static final int MAX_EXPONENT = 125;

    /**
     * A number a param may hold: one DynamoDB can store, so that a param never fails at the write (a 500) or is
     * rounded there. Up to 38 significant digits (trailing zeros do not count), and zero or a magnitude from 1E-130
     * to 9.99…E+125. Checked on the value, before any plain rendering: {@code 1e999999999} costs nothing.
     */
    public static BigDecimal checkedNumber(String field, BigDecimal number) {
        if (number.signum() == 0) {
            return number;
        }
        BigDecimal significant = number.stripTrailingZeros();
        if (significant.precision() > MAX_SIGNIFICANT_DIGITS) {
            throw new InvalidInput(field + " has " + significant.precision() + " significant digits; at most "
                    + MAX_SIGNIFICANT_DIGITS + " are kept exactly");
        }
        long exponent = (long) significant.precision() - significant.scale() - 1; // of the leading digit
        if (exponent > MAX_EXPONENT || exponent < MIN_EXPONENT) {
            throw new InvalidInput(field + " is out of range: a number is zero or between 1E" + MIN_EXPONENT
                    + " and 9.99E+" + MAX_EXPONENT + " in magnitude");
        }
        return number;
    }

    private static List<String> checkedTags(List<String> tags) {
        var unique = new LinkedHashSet<String>();
        for (String tag : tags) {
            // an empty tag (a form's `tags=` or `a,,b`) is refused, never skipped: the caller meant something by it
            String given = tag == null ? "" : tag;
            if (given.isBlank() || given.length() > MAX_TAG) {
                throw new InvalidInput("tags must be 1 to " + MAX_TAG + " characters");
            }
            unique.add(given);
        }
        if (unique.size() > MAX_TAGS) {
            throw new InvalidInput("at most " + MAX_TAGS + " tags are allowed");
        }
        return new ArrayList<>(unique);
    }
}
