package cnnc.cli;

/** The --threads option's range: a worker per thread, each with its own copy of the activations. */
final class Threads {
    /** Far above any useful count, far below where the per-thread buffers exhaust memory. */
    static final int MAX = 1024;

    private Threads() {}

    static void check(Integer threads, String option) {
        if (threads != null && (threads < 1 || threads > MAX)) {
            throw new CliError(ExitCodes.USAGE_OR_IO, option + " must be 1.." + MAX + " (this machine has "
                    + Runtime.getRuntime().availableProcessors() + " cores), not " + threads);
        }
    }

    /** The option's value, or one thread per core. */
    static int resolve(Integer threads) {
        return threads != null ? threads : Runtime.getRuntime().availableProcessors();
    }
}
