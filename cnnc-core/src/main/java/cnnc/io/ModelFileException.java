package cnnc.io;

/** A model file that cannot be read: corrupt, truncated, or not in the format cnnc writes. */
public final class ModelFileException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ModelFileException(String message) {
        super(message);
    }

    public ModelFileException(String message, Throwable cause) {
        super(message, cause);
    }
}
