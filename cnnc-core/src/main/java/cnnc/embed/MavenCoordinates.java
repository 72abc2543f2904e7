package cnnc.embed;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Where {@code mvn install:install-file} puts an embeddable jar, read from the pom inside it. By
 * default the group is the Java package and the artifact the class name in kebab case:
 * {@code com.example.digits.LabNetwork} becomes {@code com.example.digits:lab-network:1.0.0}.
 */
public record MavenCoordinates(String groupId, String artifactId, String version) {
    public static final String DEFAULT_VERSION = "1.0.0";

    /**
     * The install plugin, named with its version: Maven 3.8 and 3.9 default to version 2.4, which
     * ignores the pom inside the jar and stops with "'groupId' is missing"; 3.x reads it.
     */
    public static final String INSTALL_PLUGIN = "org.apache.maven.plugins:maven-install-plugin:3.1.4";

    // What Maven accepts in ids (its model validator's pattern), and a conservative version.
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9_\\-.]+");
    private static final Pattern VERSION = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.+\\-]*");

    public MavenCoordinates {
        check(groupId, ID, "groupId");
        check(artifactId, ID, "artifactId");
        check(version, VERSION, "version");
    }

    private static void check(String value, Pattern pattern, String what) {
        if (value == null || !pattern.matcher(value).matches()) {
            throw new IllegalArgumentException("\"" + value + "\" is not a valid Maven " + what
                    + (what.equals("version") ? " (e.g. 1.0.0 or 2.1-SNAPSHOT)" : " (letters, digits, '.', '-' and '_' only)"));
        }
    }

    /** The command that installs {@code jar} into the local Maven repository, reading these coordinates from it. */
    public static String installCommand(String jar) {
        return "mvn " + INSTALL_PLUGIN + ":install-file -Dfile=" + jar;
    }

    /** Coordinates for the class {@code packageName.className}; {@code version} null means {@value #DEFAULT_VERSION}. */
    public static MavenCoordinates derive(String packageName, String className, String version) {
        if (packageName.isEmpty()) {
            throw new IllegalArgumentException("a class in the unnamed package has no Maven groupId to derive");
        }
        if (!ID.matcher(packageName).matches()) {
            throw new IllegalArgumentException("the package " + packageName
                    + " has characters a Maven groupId cannot hold; use ASCII letters and digits");
        }
        return new MavenCoordinates(packageName, kebab(className), version == null ? DEFAULT_VERSION : version);
    }

    /**
     * {@code LabNetwork} to {@code lab-network}: a hyphen where a lower-case letter or digit meets
     * an upper-case one, or where an acronym ends ({@code HTTPServer} to {@code http-server}); any
     * other character than an ASCII letter or digit becomes a hyphen.
     */
    static String kebab(String className) {
        var out = new StringBuilder();
        int n = className.length();
        for (int i = 0; i < n; i++) {
            char c = className.charAt(i);
            if (c < 128 && Character.isUpperCase(c)) {
                char before = i > 0 ? className.charAt(i - 1) : ' ';
                boolean afterLower = before < 128 && (Character.isLowerCase(before) || Character.isDigit(before));
                boolean acronymEnds = before < 128 && Character.isUpperCase(before) && i + 1 < n
                        && className.charAt(i + 1) < 128 && Character.isLowerCase(className.charAt(i + 1));
                if (afterLower || acronymEnds) {
                    out.append('-');
                }
                out.append(Character.toLowerCase(c));
            } else if (c < 128 && Character.isLetterOrDigit(c)) {
                out.append(c);
            } else {
                out.append('-');
            }
        }
        String s = out.toString().toLowerCase(Locale.ROOT).replaceAll("-{2,}", "-").replaceAll("^-|-$", "");
        return s.isEmpty() ? "network" : s;
    }

    @Override
    public String toString() {
        return groupId + ":" + artifactId + ":" + version;
    }
}
