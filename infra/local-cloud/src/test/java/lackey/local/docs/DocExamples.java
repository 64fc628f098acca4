package lackey.local.docs;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The shell examples of one Markdown file: its fenced {@code sh} blocks, each cut into complete commands, each
 * with the answer the doc shows for it on the {@code #   } lines that follow it. A block's info string may add
 * one word: {@code aws} for commands that need an AWS account or the SAM CLI, {@code docker} for commands that
 * need Docker (only their syntax is checked here: these machines have neither), or {@code suite} for the test
 * command itself (checked against {@code .ci/run}).
 */
record DocExamples(Path file, List<Block> blocks) {

    /** Shell fences other than {@code sh} would escape the doc test, so they are not allowed. */
    static final Set<String> OTHER_SHELL_LANGUAGES = Set.of("bash", "shell", "console", "zsh", "shell-session", "sh-session");

    /** How a block is checked. */
    enum Kind { LOCAL, AWS, DOCKER, SUITE }

    record Block(int line, Kind kind, List<Command> commands) {
    }

    /** One complete shell command, from the doc's line {@code line}, and what the doc shows as its answer. */
    record Command(int line, String text, List<String> answer) {

        boolean hasAnswer() {
            return !answer.isEmpty();
        }
    }

    static DocExamples read(Path file) throws IOException {
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        List<Block> blocks = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            String trimmed = line.stripLeading();
            if (!trimmed.startsWith("```")) {
                continue;
            }
            String indent = line.substring(0, line.length() - trimmed.length());
            String[] info = trimmed.substring(3).strip().split("\\s+");
            int start = i + 1;
            int end = start;
            while (end < lines.size() && !lines.get(end).strip().equals("```")) {
                end++;
            }
            if (end == lines.size()) {
                throw new IllegalArgumentException(file + ":" + (i + 1) + ": a code fence that never closes");
            }
            String language = info[0];
            if (OTHER_SHELL_LANGUAGES.contains(language)) {
                throw new IllegalArgumentException(file + ":" + (i + 1) + ": fence shell examples as ```sh so the doc test runs them");
            }
            if (language.equals("sh")) {
                Kind kind = Kind.LOCAL;
                if (info.length > 1) {
                    kind = switch (info[1]) {
                        case "aws" -> Kind.AWS;
                        case "docker" -> Kind.DOCKER;
                        case "suite" -> Kind.SUITE;
                        default -> throw new IllegalArgumentException(file + ":" + (i + 1) + ": unknown fence word " + info[1]
                                + " (known: aws, docker, suite)");
                    };
                }
                List<String> body = new ArrayList<>();
                for (String bodyLine : lines.subList(start, end)) {
                    body.add(bodyLine.startsWith(indent) ? bodyLine.substring(indent.length()) : bodyLine.stripLeading());
                }
                blocks.add(new Block(i + 1, kind, commands(file, start + 1, body)));
            }
            i = end;
        }
        return new DocExamples(file, List.copyOf(blocks));
    }

    /** Whether a line shows an answer: {@code #} and three spaces (one space makes an ordinary comment). */
    static boolean isAnswer(String line) {
        return line.startsWith("#   ");
    }

    private static List<Command> commands(Path file, int firstLine, List<String> body) {
        List<Command> commands = new ArrayList<>();
        StringBuilder pending = new StringBuilder();
        int pendingLine = -1;
        for (int k = 0; k < body.size(); k++) {
            String line = body.get(k);
            int lineNumber = firstLine + k;
            if (isAnswer(line) && pending.isEmpty()) {
                if (commands.isEmpty()) {
                    throw new IllegalArgumentException(file + ":" + lineNumber + ": an answer with no command before it");
                }
                Command last = commands.removeLast();
                List<String> answer = new ArrayList<>(last.answer());
                answer.add(line.substring(4));
                commands.add(new Command(last.line(), last.text(), List.copyOf(answer)));
                continue;
            }
            if (pending.isEmpty() && (line.isBlank() || line.stripLeading().startsWith("#"))) {
                continue; // commentary between commands
            }
            if (pending.isEmpty()) {
                pendingLine = lineNumber;
            }
            pending.append(line).append('\n');
            if (!line.endsWith("\\") && isComplete(pending.toString())) {
                commands.add(new Command(pendingLine, pending.toString().strip(), List.of()));
                pending.setLength(0);
            }
        }
        if (!pending.isEmpty()) {
            throw new IllegalArgumentException(file + ":" + pendingLine + ": the command never completes: " + pending);
        }
        return commands;
    }

    /** Asks bash whether the text is a complete command (it is syntactically valid on its own). */
    static boolean isComplete(String text) {
        try {
            Process bash = new ProcessBuilder("bash", "-n").redirectErrorStream(true).start();
            bash.getOutputStream().write(text.getBytes(StandardCharsets.UTF_8));
            bash.getOutputStream().close();
            bash.getInputStream().readAllBytes();
            if (!bash.waitFor(10, TimeUnit.SECONDS)) {
                bash.destroyForcibly();
                throw new IllegalStateException("bash -n did not answer");
            }
            return bash.exitValue() == 0;
        } catch (IOException e) {
            throw new IllegalStateException("cannot run bash", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
