package cnnc.compile;

/** The running Java is a JRE without javac, so generated code cannot be compiled in process. */
public final class CompilerUnavailableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public CompilerUnavailableException() {
        super("this Java (" + System.getProperty("java.home") + ") has no compiler; cnnc needs a JDK, "
                + "e.g. apt-get install openjdk-17-jdk-headless, and JAVA_HOME pointing at it");
    }
}
