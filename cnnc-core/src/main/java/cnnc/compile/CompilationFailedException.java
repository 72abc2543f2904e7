package cnnc.compile;

/** javac rejected generated code: a bug in cnnc's generator, reported with javac's messages. */
public final class CompilationFailedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public CompilationFailedException(String message) {
        super(message);
    }
}
