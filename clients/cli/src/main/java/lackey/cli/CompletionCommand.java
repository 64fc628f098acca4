package lackey.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code lackey completion bash|zsh}: the shell completion script picocli generates from the commands themselves. */
@Command(name = "completion", description = {"Print a shell completion script for bash or zsh.",
        "bash: add `source <(lackey completion bash)` to ~/.bashrc; zsh: `source <(lackey completion zsh)` to ~/.zshrc."},
        footerHeading = "%nExamples:%n", footer = {"  source <(lackey completion bash)", "  lackey completion zsh > ~/.zfunc/lackey.zsh"})
final class CompletionCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "SHELL", description = "bash or zsh.")
    String shell;

    @Override
    public Integer call() {
        CommandLine root = spec.commandLine().getParent();
        String script = AutoComplete.bash("lackey", root);
        PrintWriter out = spec.commandLine().getOut();
        switch (shell) {
            case "bash" -> out.print(script);
            // zsh runs bash completion scripts through bashcompinit
            case "zsh" -> out.print("autoload -U +X compinit && compinit\nautoload -U +X bashcompinit && bashcompinit\n" + script);
            default -> throw CliFailure.usage("completion is for bash or zsh, not " + shell);
        }
        out.flush();
        return ExitCode.OK;
    }
}
