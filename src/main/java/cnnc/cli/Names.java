package cnnc.cli;

import javax.lang.model.SourceVersion;

/** Checks Java names given on the command line, so javac never sees a bad one. */
final class Names {
    private Names() {}

    static void checkPackage(String name) {
        if (!name.isEmpty() && !SourceVersion.isName(name)) {
            throw new CliError(ExitCodes.USAGE_OR_IO, "--package " + name + " is not a Java package name (e.g. com.example.models)");
        }
        if (name.equals("java") || name.startsWith("java.")) {
            // The JVM refuses to define classes in java.* outside the JDK itself.
            throw new CliError(ExitCodes.USAGE_OR_IO, "--package " + name + " is reserved for the JDK; use your own, e.g. com.example.models");
        }
    }

    static void checkIdentifier(String name, String option) {
        if (!SourceVersion.isIdentifier(name) || SourceVersion.isKeyword(name)) {
            throw new CliError(ExitCodes.USAGE_OR_IO, option + " " + name + " is not a Java class name (e.g. DigitClassifier)");
        }
        if (cnnc.codegen.JavaGenerator.hidesJavaLang(name)) {
            throw new CliError(ExitCodes.USAGE_OR_IO, option + " " + name + " would hide java.lang." + name
                    + ", which generated code uses; choose another name (e.g. Digit" + name + ")");
        }
    }
}
