package cnnc.syntax;

/**
 * ANTLR counts offsets in code points; {@link cnnc.diag.Span} and {@link cnnc.diag.SourceFile}
 * in Java chars. They differ after a character outside the BMP (an emoji in a comment), and
 * without this map every later span would be shifted and quote the wrong text.
 */
final class Offsets {
    /** Char offset of each code point offset; null when the two agree (no surrogate pairs). */
    private final int[] charOffset;

    private Offsets(int[] charOffset) {
        this.charOffset = charOffset;
    }

    static Offsets of(String text) {
        int codePoints = text.codePointCount(0, text.length());
        if (codePoints == text.length()) {
            return new Offsets(null);
        }
        int[] map = new int[codePoints + 1];
        int c = 0;
        for (int i = 0; i < codePoints; i++) {
            map[i] = c;
            c += Character.charCount(text.codePointAt(c));
        }
        map[codePoints] = c;
        return new Offsets(map);
    }

    /** The char offset of a code point offset (clamped to the text). */
    int toChar(int codePointOffset) {
        if (charOffset == null || codePointOffset < 0) {
            return codePointOffset;
        }
        return charOffset[Math.min(codePointOffset, charOffset.length - 1)];
    }
}
