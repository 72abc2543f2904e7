package cnnc.cli;

/**
 * A user's mistake or an I/O problem the command cannot get past. Main prints the message,
 * never a stack trace, and exits with the code.
 */
public final class CliError extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int exitCode;

    public CliError(int exitCode, String message) {
        super(message, null, false, false);
        this.exitCode = exitCode;
    }

    public CliError(int exitCode, String message, Throwable cause) {
        super(message, cause, false, false);
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }
}
