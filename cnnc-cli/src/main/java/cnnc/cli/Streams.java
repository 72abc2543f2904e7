package cnnc.cli;

/** What the commands need to know of their output streams. */
final class Streams {
    private Streams() {}

    /** Whether output goes to a person at a terminal (live progress bars) rather than a log. */
    static boolean interactive() {
        return System.console() != null && !"dumb".equals(System.getenv("TERM"));
    }
}
