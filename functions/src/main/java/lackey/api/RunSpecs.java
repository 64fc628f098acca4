package lackey.api;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import lackey.run.OutputFile;
import lackey.run.RunSpec;
import lackey.run.Timeouts;

/** Reads a run spec (name, command, params, tags, timeouts, waitFor) from request fields, form or JSON alike. */
final class RunSpecs {

    /** The fields of a run spec that every way of scheduling takes: a single run, a sweep, a recurring rule. */
    static final Set<String> FIELDS = Set.of("name", "command", "params", "tags", "startTimeout", "heartbeatTimeout",
            "maxDuration");

    private RunSpecs() {
    }

    /** The spec's fields and {@code more}: what one way of scheduling takes. */
    static Set<String> fieldsAnd(String... more) {
        var all = new HashSet<>(FIELDS);
        all.addAll(List.of(more));
        return Set.copyOf(all);
    }

    static RunSpec from(RequestFields fields) {
        return RunSpec.requested(
                fields.text("name").orElse(null),
                fields.text("command"),
                fields.scalars("params"),
                fields.list("tags"),
                Timeouts.parse(fields.number("startTimeout"), fields.number("heartbeatTimeout"), fields.number("maxDuration")),
                fields.text("waitFor").map(OutputFile::parse));
    }
}
