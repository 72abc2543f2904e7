package cnnc.diag;

/** How bad a diagnostic is: errors stop the pipeline, warnings do not. */
public enum Severity {
    ERROR("error"),
    WARNING("warning");

    private final String label;

    Severity(String label) {
        this.label = label;
    }

    /** The word printed in a diagnostic line, e.g. {@code error}. */
    public String label() {
        return label;
    }
}
