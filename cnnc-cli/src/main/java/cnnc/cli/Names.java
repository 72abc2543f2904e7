package cnnc.cli;

import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReference;
import java.util.Set;
import javax.lang.model.SourceVersion;

/**
 * Checks Java names given on the command line, so javac never sees a bad one and a built jar
 * always loads: keywords and restricted identifiers, packages that a JDK module owns (a class
 * path class there is never found: the module's loader answers for the whole package), and
 * names longer than file systems and class files take.
 */
final class Names {
    /** A file name of NAME.class must fit a file system's 255 bytes. */
    static final int MAX_IDENTIFIER = 200;
    /** Far below the class file's 65,535-byte limit on a qualified name. */
    static final int MAX_PACKAGE = 1000;
    /** Not keywords, yet javac refuses them as a class name (JLS 3.9). */
    private static final Set<String> RESTRICTED = Set.of("var", "yield", "record", "sealed", "permits");

    private Names() {}

    static void checkPackage(String name) {
        if (name.length() > MAX_PACKAGE) {
            throw new CliError(ExitCodes.USAGE_OR_IO, "--package is " + String.format("%,d", name.length())
                    + " characters long; a package name may have at most " + MAX_PACKAGE);
        }
        if (!name.isEmpty() && !SourceVersion.isName(name, SourceVersion.RELEASE_17)) {
            throw new CliError(ExitCodes.USAGE_OR_IO, "--package " + name + " is not a Java package name (e.g. com.example.models)");
        }
        for (String part : name.split("\\.")) {
            if (part.length() > MAX_IDENTIFIER) {
                throw new CliError(ExitCodes.USAGE_OR_IO, "--package has a part of " + String.format("%,d", part.length())
                        + " characters; each may have at most " + MAX_IDENTIFIER);
            }
        }
        if (name.equals("java") || name.startsWith("java.")) {
            // The JVM refuses to define classes in java.* outside the JDK itself.
            throw new CliError(ExitCodes.USAGE_OR_IO, "--package " + name + " is reserved for the JDK; use your own, e.g. com.example.models");
        }
        String module = jdkModuleOf(name);
        if (module != null) {
            throw new CliError(ExitCodes.USAGE_OR_IO, "--package " + name + " belongs to the JDK's module " + module
                    + ", so a class put there would never load; use your own, e.g. com.example.models");
        }
    }

    static void checkIdentifier(String name, String option) {
        if (name.length() > MAX_IDENTIFIER) {
            throw new CliError(ExitCodes.USAGE_OR_IO, option + " is " + String.format("%,d", name.length())
                    + " characters long; a class name may have at most " + MAX_IDENTIFIER);
        }
        if (!SourceVersion.isIdentifier(name) || SourceVersion.isKeyword(name, SourceVersion.RELEASE_17)
                || RESTRICTED.contains(name)) {
            throw new CliError(ExitCodes.USAGE_OR_IO, option + " " + name + " is not a Java class name (e.g. DigitClassifier)");
        }
        if (cnnc.codegen.JavaGenerator.hidesJavaLang(name)) {
            throw new CliError(ExitCodes.USAGE_OR_IO, option + " " + name + " would hide java.lang." + name
                    + ", which generated code uses; choose another name (e.g. Digit" + name + ")");
        }
    }

    // Every system module, not only those this run resolved: jdk.jfr is in the JDK whether or not it is loaded.
    private static String jdkModuleOf(String packageName) {
        for (ModuleReference ref : ModuleFinder.ofSystem().findAll()) {
            ModuleDescriptor d = ref.descriptor();
            if (d.packages().contains(packageName)) {
                return d.name();
            }
        }
        return null;
    }
}
