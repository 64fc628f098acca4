package lackey.cli;

/**
 * The CLI's exit codes, the same for every command (docs/cli.md lists them); {@code lackey wrap} exits with its
 * command's status instead.
 */
final class ExitCode {

    static final int OK = 0;
    /** The API refused or failed the call, or a file could not be moved. */
    static final int API_ERROR = 1;
    /** The command line is wrong. */
    static final int USAGE = 2;
    /** The API could not be reached. */
    static final int UNREACHABLE = 3;
    /** AWS credentials, region or stack could not be found. */
    static final int AWS_SETUP = 4;

    private ExitCode() {
    }
}
