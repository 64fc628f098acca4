package lackey.cli;

/**
 * Why a command could not do what was asked, said for a person: what went wrong and how to fix it, never a
 * stack trace. Each kind has its exit code (see {@link ExitCode}).
 */
final class CliFailure extends RuntimeException {

    private final int exitCode;
    private final String hint;

    private CliFailure(int exitCode, String message, String hint) {
        super(message, null, false, false);
        this.exitCode = exitCode;
        this.hint = hint;
    }

    /** The API answered with an error (exit 1). */
    static CliFailure api(String message, String hint) {
        return new CliFailure(ExitCode.API_ERROR, message, hint);
    }

    /** The command line is wrong (exit 2). */
    static CliFailure usage(String message) {
        return new CliFailure(ExitCode.USAGE, message, null);
    }

    /** The command line is wrong, and how to say it right (exit 2). */
    static CliFailure usage(String message, String hint) {
        return new CliFailure(ExitCode.USAGE, message, hint);
    }

    /** Nothing answered at the API's address (exit 3). */
    static CliFailure unreachable(String message, String hint) {
        return new CliFailure(ExitCode.UNREACHABLE, message, hint);
    }

    /** AWS credentials, region or stack could not be found (exit 4). */
    static CliFailure aws(String message, String hint) {
        return new CliFailure(ExitCode.AWS_SETUP, message, hint);
    }

    /** A local file could not be read or written (exit 1). */
    static CliFailure file(String message) {
        return new CliFailure(ExitCode.API_ERROR, message, null);
    }

    int exitCode() {
        return exitCode;
    }

    /** A second line telling the fix, or null. */
    String hint() {
        return hint;
    }
}
