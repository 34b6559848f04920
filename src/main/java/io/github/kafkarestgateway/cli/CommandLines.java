package io.github.kafkarestgateway.cli;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;

import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * How every command of {@code bin/gateway} behaves alike (the run command and the operator tools, picocli commands):
 * {@code -h}/{@code --help} on each command and sub-command prints its sub-commands and options (in the order they
 * are declared) and exits 0; a wrong argument is told in one line on stderr, with where to find the help, and exits
 * {@value #USAGE}; a failure is one line naming the tool and exits {@value #FAILED}. One place, so that the tools'
 * help and errors read the same and scripts can tell a typo from a failure by the exit status.
 */
public final class CommandLines {

    /** Exit status of a command that failed (the gateway refused, a file was missing, …). */
    public static final int FAILED = 1;
    /** Exit status of wrong arguments: an unknown option or command, a missing or invalid value. */
    public static final int USAGE = CommandLine.ExitCode.USAGE;

    private CommandLines() {
    }

    /** The command line of a picocli command (a tool, or {@code gateway} with them all), set up as described above. */
    public static CommandLine of(Object command) {
        CommandLine line = new CommandLine(command);
        everywhere(line);
        line.setParameterExceptionHandler((wrong, args) -> {
            wrong.getCommandLine().getErr().println(usageError(wrong));
            return USAGE;
        });
        line.setExecutionExceptionHandler((failure, failed, parsed) -> {
            failed.getErr().println(toolName(failed) + ": " + describe(failure));
            return FAILED;
        });
        return line;
    }

    /** Runs the command with these arguments, printing to {@code out} and {@code err}; its exit status. */
    public static int execute(Object command, String[] args, PrintStream out, PrintStream err) {
        CommandLine line = of(command);
        line.setOut(new PrintWriter(out, true, StandardCharsets.UTF_8));
        line.setErr(new PrintWriter(err, true, StandardCharsets.UTF_8));
        return line.execute(args);
    }

    /**
     * A wrong argument found while a command runs (a value that does not parse, options that do not go together),
     * told like those found while parsing: on the sub-command that runs, exit status {@value #USAGE}.
     *
     * @param tool the spec picocli gives the tool's class ({@code @Spec}), whose methods are its sub-commands
     */
    public static ParameterException wrongArgument(CommandSpec tool, String message) {
        CommandLine.ParseResult parsed = tool.commandLine().getParseResult();
        while (parsed != null && parsed.hasSubcommand()) {
            parsed = parsed.subcommand();
        }
        return new ParameterException(parsed == null ? tool.commandLine() : parsed.commandSpec().commandLine(),
                message);
    }

    /**
     * One line: what was wrong (an unknown option or command first, even when a required one is missing too), a
     * suggestion when picocli has one, and the help that tells more.
     */
    static String usageError(ParameterException wrong) {
        CommandLine command = wrong.getCommandLine();
        StringBuilder line = new StringBuilder(toolName(command)).append(": ");
        List<String> unmatched = command.getUnmatchedArguments();
        if (unmatched.isEmpty()) {
            line.append(wrong.getMessage().strip().replaceAll("\\s*\\R\\s*", " "));
        } else {
            String first = unmatched.get(0);
            line.append(first.startsWith("-") ? "unknown option '" : command.getSubcommands().isEmpty()
                    ? "unexpected argument '" : "unknown command '").append(first).append('\'');
            List<String> suggestions = new UnmatchedArgumentException(command, unmatched).getSuggestions();
            if (!suggestions.isEmpty()) {
                line.append("; did you mean ").append(suggestions.get(0)).append('?');
            }
        }
        return line.append(" (see ").append(command.getCommandSpec().qualifiedName()).append(" --help)").toString();
    }

    /**
     * A failure in words: the message of a refusal (IllegalArgumentException, IllegalStateException), else the kind
     * of failure and the first message of its causes ({@code ConnectException: Connection refused}).
     */
    static String describe(Throwable failure) {
        if ((failure instanceof IllegalArgumentException || failure instanceof IllegalStateException)
                && failure.getMessage() != null) {
            return failure.getMessage();
        }
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause.getMessage() != null && !cause.getMessage().isBlank()) {
                return failure.getClass().getSimpleName() + ": " + cause.getMessage();
            }
        }
        return failure.getClass().getName();
    }

    /**
     * The tool a (sub-)command belongs to, as errors name it: {@code credentials} for {@code gateway credentials list}
     * and for {@code credentials list} run alone; the suite's own name for its own errors ({@code gateway}).
     */
    static String toolName(CommandLine command) {
        CommandLine tool = command;
        while (tool.getParent() != null && !(tool.getParent().getCommand() instanceof Suite)) {
            tool = tool.getParent();
        }
        return tool.getCommandName();
    }

    /** A command whose sub-commands are tools of their own ({@code gateway}): errors name the tool, not the suite. */
    public interface Suite {
    }

    /** The help option and the declared order of options, on the command and all its sub-commands. */
    private static void everywhere(CommandLine line) {
        CommandSpec spec = line.getCommandSpec();
        spec.usageMessage().sortOptions(false).abbreviateSynopsis(true);
        if (spec.findOption("--help") == null) {
            spec.addOption(OptionSpec.builder("-h", "--help").usageHelp(true)
                    .description("Shows this help and exits.").build());
        }
        line.getSubcommands().values().forEach(CommandLines::everywhere);
    }
}
