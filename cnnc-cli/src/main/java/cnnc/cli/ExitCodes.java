package cnnc.cli;

/** The exit codes of DESIGN 1.2. */
public final class ExitCodes {
    public static final int OK = 0;
    /** The input is wrong; diagnostics were printed. */
    public static final int INPUT_ERROR = 1;
    /** A usage or I/O error. */
    public static final int USAGE_OR_IO = 2;

    private ExitCodes() {}
}
