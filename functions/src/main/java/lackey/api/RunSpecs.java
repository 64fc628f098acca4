package lackey.api;

import lackey.run.OutputFile;
import lackey.run.RunSpec;
import lackey.run.Timeouts;

/** Reads a run spec (name, command, params, tags, timeouts, waitFor, wrap) from request fields, form or JSON alike. */
final class RunSpecs {

    private RunSpecs() {
    }

    static RunSpec from(RequestFields fields) {
        return new RunSpec(
                fields.text("name").orElse(null),
                fields.text("command"),
                fields.scalars("params"),
                fields.list("tags"),
                Timeouts.parse(fields.text("startTimeout"), fields.text("heartbeatTimeout"), fields.text("maxDuration")),
                fields.text("waitFor").filter(text -> !text.isBlank()).map(OutputFile::parse),
                fields.flag("wrap"));
    }
}
