package cnnc.codegen;

/** A generated Java class: where it goes and its text. */
public record GeneratedSource(String packageName, String className, String code) {

    public String qualifiedName() {
        return packageName.isEmpty() ? className : packageName + "." + className;
    }

    /** The path of the .java file below a source root, e.g. {@code cnnc/generated/LabNetwork.java}. */
    public String relativePath() {
        return qualifiedName().replace('.', '/') + ".java";
    }
}
