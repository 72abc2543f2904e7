package cnnc.syntax;

import java.util.Collection;
import java.util.Optional;

/** "Did you mean ...?": the closest keyword to a misspelled word. */
final class Suggestions {
    private Suggestions() {}

    static Optional<String> closest(String word, Collection<String> candidates) {
        String lower = word.toLowerCase(java.util.Locale.ROOT);
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String candidate : candidates) {
            int d = lower.equals(candidate) ? 0 : distance(lower, candidate);
            if (d < bestDistance) {
                best = candidate;
                bestDistance = d;
            }
        }
        if (best == null) {
            return Optional.empty();
        }
        // A case slip, a typo or two, or a longer spelling of the keyword ("convolution").
        int allowed = Math.max(1, Math.min(best.length(), lower.length()) / 3);
        boolean prefix = lower.length() >= 3 && (lower.startsWith(best) || best.startsWith(lower));
        return bestDistance <= allowed || prefix ? Optional.of(best) : Optional.empty();
    }

    /** Optimal string alignment distance: Levenshtein plus swaps of neighbours ("rleu"). */
    static int distance(String a, String b) {
        if (a.length() > 64 || b.length() > 64) {
            return Math.abs(a.length() - b.length()) + 64;
        }
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }
}
