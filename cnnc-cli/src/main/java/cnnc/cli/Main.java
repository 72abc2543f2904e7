package cnnc.cli;

import java.io.PrintWriter;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code cnnc} command line: one subcommand per verb of DESIGN 1.2. */
@Command(name = "cnnc", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Compile .cnn network descriptions into specialized Java, train and pack them.",
        subcommands = {CheckCommand.class, SummaryCommand.class, GenerateCommand.class, TrainCommand.class, BuildCommand.class,
                ExportCommand.class,
                EvalCommand.class, PredictCommand.class, CommandLine.HelpCommand.class,
                AutoComplete.GenerateCompletion.class})
public final class Main implements Runnable {
    @picocli.CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static final String VERSION = cnnc.Version.VERSION;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing command: check, summary, ...");
    }

    public static void main(String[] args) {
        System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /** Runs a command line with the given streams and returns the exit code (tests call this). */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        var cli = new CommandLine(new Main());
        cli.setOut(out);
        cli.setErr(err);
        cli.setParameterExceptionHandler((e, a) -> {
            err.println("cnnc: " + e.getMessage());
            if (e instanceof CommandLine.UnmatchedArgumentException unmatched) {
                CommandLine.UnmatchedArgumentException.printSuggestions(unmatched, err);
            }
            err.println("Try 'cnnc " + commandName(e.getCommandLine()) + "--help' for usage.");
            err.flush();
            return ExitCodes.USAGE_OR_IO;
        });
        cli.setExecutionExceptionHandler((e, c, p) -> {
            if (e instanceof CliError user) {
                if (user.getMessage() != null) {
                    err.println("cnnc: " + user.getMessage());
                }
                err.flush();
                return user.exitCode();
            }
            throw e; // a bug in cnnc, not the user's mistake: the stack trace helps fix it
        });
        int code = cli.execute(args);
        out.flush();
        err.flush();
        return code;
    }

    private static String commandName(CommandLine c) {
        return c.getParent() == null ? "" : c.getCommandName() + " ";
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"cnnc " + VERSION};
        }
    }
}
