package cnnc.compile;

import cnnc.codegen.Backend;

/** The vector backend was asked for, but this JVM was started without the Vector API's module. */
public final class VectorModuleMissingException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public VectorModuleMissingException() {
        super("--backend vector needs the JVM started with --add-modules " + Backend.VECTOR_MODULE
                + " (the ./cnnc launcher adds it when it sees --backend vector)");
    }
}
