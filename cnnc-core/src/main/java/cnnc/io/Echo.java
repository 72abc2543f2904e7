package cnnc.io;

import java.util.Collection;
import java.util.stream.Collectors;

/**
 * Caps what an error message repeats from a file: a name of a megabyte, or a list of a million
 * tensor names, must not become a message of megabytes on the user's terminal.
 */
public final class Echo {
    public static final int NAME = 80;
    public static final int ITEMS = 10;

    private Echo() {}

    /** {@code text}, or its start and how long it is. */
    public static String abbreviate(String text, int max) {
        if (text.length() <= max) {
            return text;
        }
        return text.substring(0, max) + "… (" + String.format(java.util.Locale.ROOT, "%,d", text.length()) + " characters)";
    }

    /** The first {@value #ITEMS} names, each abbreviated, then how many more there are. */
    public static String list(Collection<String> names) {
        String shown = names.stream().limit(ITEMS).map(n -> abbreviate(n, NAME)).collect(Collectors.joining(", "));
        return names.size() <= ITEMS ? shown : shown + " and " + String.format(java.util.Locale.ROOT, "%,d", names.size() - ITEMS) + " more";
    }
}
