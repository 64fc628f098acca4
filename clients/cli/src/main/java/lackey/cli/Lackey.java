package lackey.cli;

import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneId;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * The {@code lackey} command: list, inspect, schedule, sweep, cancel and wrap runs through the lackey HTTP API,
 * the local cloud's or a deployed stack's. It shares nothing with the functions but the HTTP contract. Global
 * options may come before or after the subcommand.
 */
@Command(name = "lackey", mixinStandardHelpOptions = true, scope = ScopeType.INHERIT, versionProvider = Lackey.Version.class,
        sortOptions = false, usageHelpAutoWidth = false,
        description = {"Keeps track of simulation runs: list, inspect, schedule, sweep, cancel and wrap them.",
                "Talks to the lackey API: the local cloud on http://127.0.0.1:8000 unless --api, LACKEY_API or --stack "
                        + "say otherwise. Operator calls to a deployed stack are signed with SigV4 using your AWS "
                        + "credentials, as the AWS CLI does."},
        subcommands = {ListCommand.class, ShowCommand.class, LogsCommand.class, CancelCommand.class, FilesCommand.class,
                ScheduleCommand.class, SweepCommand.class, WrapCommand.class, UiCommand.class, CompletionCommand.class,
                CommandLine.HelpCommand.class},
        footerHeading = "%n",
        footer = {"Also, from the launcher: `lackey local [--iam]` runs the local cloud, `lackey bench …` the benchmarks.",
                "",
                "Exit codes: 0 ok, 1 the API refused or failed the call, 2 bad command line, 3 the API could not be reached,",
                "4 AWS credentials, region or stack not found; `lackey wrap` exits with its command's status.",
                "",
                "Docs: docs/cli.md"})
public final class Lackey implements Runnable {

    /** The local cloud's API, the default. */
    static final String LOCAL_API = "http://127.0.0.1:8000";
    static final Duration CALL_TIMEOUT = Duration.ofSeconds(60);

    @Option(names = "--api", scope = ScopeType.INHERIT, paramLabel = "URL", order = 100,
            description = "The API's base URL (default: $LACKEY_API, else " + LOCAL_API + ", the local cloud).")
    String apiOption;

    @Option(names = "--stack", scope = ScopeType.INHERIT, paramLabel = "NAME", order = 101,
            description = "A deployed stack: the API's URL is its CloudFormation output ApiUrl.")
    String stack;

    @Option(names = "--profile", scope = ScopeType.INHERIT, paramLabel = "NAME", order = 102,
            description = "The AWS profile to sign with (default: $AWS_PROFILE, else the default chain).")
    String profile;

    @Option(names = "--region", scope = ScopeType.INHERIT, paramLabel = "REGION", order = 103,
            description = "The AWS region (default: the API's host name, $AWS_REGION or the profile's).")
    String region;

    @Option(names = "--sign", negatable = true, scope = ScopeType.INHERIT, order = 104,
            description = "Sign operator calls with SigV4, or not (default: $LACKEY_SIGN, else sign for --stack, "
                    + "--profile and any API not on this machine).")
    Boolean sign;

    final Map<String, String> env;
    final Clock clock;
    final ZoneId zone;
    final Terminal terminal;
    /** Standard output as bytes, for logs and files that must pass unchanged. */
    final OutputStream stdout;
    private LackeyApi api;

    Lackey(Map<String, String> env, Clock clock, ZoneId zone, OutputStream stdout) {
        this.env = env;
        this.clock = clock;
        this.zone = zone;
        this.terminal = Terminal.from(env);
        this.stdout = stdout;
    }

    public static void main(String[] args) {
        PrintStream out = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), false, StandardCharsets.UTF_8);
        int code = run(args, System.getenv(), out, new PrintWriter(System.err, true, StandardCharsets.UTF_8));
        out.flush();
        System.exit(code);
    }

    /** Runs one command line and returns its exit code. */
    static int run(String[] args, Map<String, String> env, PrintStream stdout, PrintWriter err) {
        Lackey lackey = new Lackey(env, Clock.systemUTC(), ZoneId.systemDefault(), stdout);
        CommandLine cli = new CommandLine(lackey);
        cli.setOut(new PrintWriter(stdout, true, StandardCharsets.UTF_8));
        cli.setErr(err);
        cli.setUsageHelpWidth(lackey.terminal.helpWidth());
        cli.setExecutionExceptionHandler((problem, commandLine, parseResult) -> report(problem, err, env));
        cli.setParameterExceptionHandler((problem, args2) -> {
            err.println("lackey: " + problem.getMessage());
            CommandLine command = problem.getCommandLine();
            err.println("  see `" + command.getCommandSpec().qualifiedName() + " --help`");
            return ExitCode.USAGE;
        });
        return cli.execute(args);
    }

    static int report(Exception problem, PrintWriter err, Map<String, String> env) {
        if (problem instanceof CliFailure failure) {
            err.println("lackey: " + failure.getMessage());
            if (failure.hint() != null) {
                err.println("  " + failure.hint());
            }
            return failure.exitCode();
        }
        err.println("lackey: unexpected error: " + problem);
        if (env.get("LACKEY_DEBUG") != null) {
            problem.printStackTrace(err);
        } else {
            err.println("  this is a bug of lackey; LACKEY_DEBUG=1 shows where it happened");
        }
        err.flush();
        return ExitCode.API_ERROR;
    }

    @Override
    public void run() {
        CommandLine.usage(this, new PrintStream(stdout, true, StandardCharsets.UTF_8));
    }

    /** The API this command line talks to, resolved once: {@code --api}, {@code --stack}, LACKEY_API or the local cloud. */
    LackeyApi api() {
        return api(CALL_TIMEOUT);
    }

    synchronized LackeyApi api(Duration timeout) {
        if (api == null) {
            if (stack != null && apiOption != null) {
                throw CliFailure.usage("give --api or --stack, not both");
            }
            AwsAccess aws = new AwsAccess(profile, region);
            URI base = stack != null ? StackLookup.apiUrl(stack, aws) : baseUrl(apiOption != null ? apiOption : env.get("LACKEY_API"));
            api = new LackeyApi(base, signs(base) ? () -> new CallSigner(aws, aws.regionFor(base)) : null, timeout);
        }
        return api;
    }

    /** {@code --sign}/{@code --no-sign}, else LACKEY_SIGN, else: sign for --stack, --profile or an API not on loopback. */
    boolean signs(URI base) {
        if (sign != null) {
            return sign;
        }
        String mode = env.getOrDefault("LACKEY_SIGN", "auto").strip().toLowerCase(Locale.ROOT);
        return switch (mode) {
            case "always", "1", "true", "yes" -> true;
            case "never", "0", "false", "no" -> false;
            case "auto", "" -> stack != null || profile != null || !LackeyApi.isLoopback(base);
            default -> throw CliFailure.usage("LACKEY_SIGN is '" + mode + "'", "set it to always, never or auto");
        };
    }

    static URI baseUrl(String text) {
        String url = text == null || text.isBlank() ? LOCAL_API : text.strip();
        while (url.endsWith("/")) {
            url = url.substring(0, url.length() - 1);
        }
        URI uri;
        try {
            uri = URI.create(url);
        } catch (IllegalArgumentException e) {
            throw CliFailure.usage("the API URL '" + text + "' is not a URL", "give it as http(s)://host[:port], e.g. " + LOCAL_API);
        }
        if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
            throw CliFailure.usage("the API URL '" + text + "' is not an http(s) URL", "give it as http(s)://host[:port], e.g. " + LOCAL_API);
        }
        return uri;
    }

    /** The project's version, written into version.txt by the build. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() throws java.io.IOException {
            try (var in = Lackey.class.getResourceAsStream("version.txt")) {
                return new String[] {"lackey " + (in == null ? "(unknown version)" : new String(in.readAllBytes(), StandardCharsets.UTF_8).strip())};
            }
        }
    }
}
