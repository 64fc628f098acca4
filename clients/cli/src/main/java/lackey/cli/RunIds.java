package lackey.cli;

/** Run ids as typed on the command line: positive integers, checked before any call. */
final class RunIds {

    private RunIds() {
    }

    static long parse(String text) {
        String id = text.strip();
        if (!id.matches("[1-9][0-9]{0,17}")) {
            throw CliFailure.usage("'" + text + "' is not a run id", "run ids are positive integers; `lackey ls` lists them");
        }
        return Long.parseLong(id);
    }
}
