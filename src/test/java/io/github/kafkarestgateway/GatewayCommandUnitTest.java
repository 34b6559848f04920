package io.github.kafkarestgateway;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import io.github.kafkarestgateway.cli.CommandLines;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every command and sub-command of {@code gateway} alike, found by walking the command tree (a new one is covered
 * without a line here): {@code --help} lists its sub-commands and options and exits 0; an unknown option, or no
 * sub-command where one is needed, is one line on stderr naming the tool and the help, and exit status 2.
 */
class GatewayCommandUnitTest {

    @TestFactory
    Stream<DynamicTest> everyCommandHasItsHelpAndRefusesAWrongOptionInOneLine() {
        List<CommandLine> commands = new ArrayList<>();
        collect(CommandLines.of(new GatewayCommand()), commands);
        assertTrue(commands.size() > 10, "the tools' sub-commands are there: " + commands.size());
        return commands.stream().flatMap(command -> {
            List<String> path = path(command);
            String name = String.join(" ", path);
            return Stream.of(
                    DynamicTest.dynamicTest(name + " --help", () -> {
                        Run help = run(path, "--help");
                        assertEquals(0, help.exit(), help.err());
                        assertTrue(help.out().startsWith("Usage: " + name), help.out());
                        command.getSubcommands().keySet().forEach(sub ->
                                assertTrue(help.out().contains("  " + sub + " "), sub + " in " + help.out()));
                        for (OptionSpec option : command.getCommandSpec().options()) {
                            assertTrue(help.out().contains(option.longestName()), option.longestName() + " in "
                                    + help.out());
                        }
                    }),
                    DynamicTest.dynamicTest(name + " --no-such-option", () -> {
                        Run wrong = run(path, "--no-such-option");
                        assertEquals(2, wrong.exit(), wrong.err());
                        assertEquals("", wrong.out());
                        assertEquals(List.of(tool(path) + ": unknown option '--no-such-option' (see " + name
                                + " --help)"), wrong.err().lines().toList());
                    }));
        });
    }

    @TestFactory
    Stream<DynamicTest> aCommandOfSubCommandsNeedsOne() {
        return Stream.of(List.of("gateway"), List.of("gateway", "credentials"), List.of("gateway", "certificates"),
                List.of("gateway", "dead-letters")).map(path -> DynamicTest.dynamicTest(String.join(" ", path), () -> {
                    Run bare = run(path);
                    assertEquals(2, bare.exit(), bare.err());
                    assertEquals(1, bare.err().lines().count(), bare.err());
                    assertTrue(bare.err().contains("Missing required subcommand"), bare.err());
                }));
    }

    private record Run(int exit, String out, String err) {
    }

    /** Runs {@code gateway} with the arguments after its path ({@code gateway credentials list} → credentials list). */
    private static Run run(List<String> path, String... more) {
        List<String> args = new ArrayList<>(path.subList(1, path.size()));
        args.addAll(List.of(more));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = CommandLines.execute(new GatewayCommand(), args.toArray(String[]::new),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static void collect(CommandLine command, List<CommandLine> all) {
        all.add(command);
        command.getSubcommands().values().forEach(sub -> collect(sub, all));
    }

    private static List<String> path(CommandLine command) {
        List<String> path = new ArrayList<>();
        for (CommandLine c = command; c != null; c = c.getParent()) {
            path.add(0, c.getCommandName());
        }
        return path;
    }

    /** The name errors give: the tool's ({@code credentials} for {@code gateway credentials list}), else gateway's. */
    private static String tool(List<String> path) {
        return path.size() > 1 ? path.get(1) : path.get(0);
    }
}
