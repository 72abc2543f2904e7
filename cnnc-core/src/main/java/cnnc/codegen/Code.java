package cnnc.codegen;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A thin layer over JavaPoet's CodeBlock.Builder for loop-heavy numeric code, so that the ops
 * read like the code they emit: statements are plain strings. On the way out each one is made to
 * read like hand-written code ({@link #tidy}): a qualified type name becomes an import, and terms
 * that add 0 or multiply by 1 are dropped. A loop of one trip is no loop: its body runs in a
 * block with the variable replaced by 0.
 */
public final class Code {
    /** Qualified names of the types generated code uses, e.g. {@code java.util.Arrays}. */
    private static final Pattern TYPE = Pattern.compile("\\b((?:java\\.(?:util|nio|io)|jdk\\.incubator\\.vector)(?:\\.[a-z]\\w*)*)\\.([A-Z]\\w*)");
    /**
     * A rewrite {@link #fold} applies: its pattern, what a match becomes, and a quick test that a
     * statement may hold a match at all. Most statements hold none, and a cold JVM takes long to
     * find that out by regular expression (generating the lab class took 0.1 s longer).
     */
    private record Fold(Pattern pattern, String replacement, Predicate<String> mayMatch) {
        static Fold needing(String text, String regex, String replacement) {
            return new Fold(Pattern.compile(regex), replacement, code -> code.contains(text));
        }
    }

    /** The rewrites {@link #fold} applies until none matches, each compiled once: generating is linear in layers. */
    private static final List<Fold> FOLDS = List.of(
            Fold.needing("0 * ", "(?<![\\w.)\\]]\\s?)0 \\* [\\w.]+(?! *[\\[(.])", "0"),         // 0 * x
            Fold.needing(" * 0", "(?<=[(\\[]|[=,+] )[\\w.]+ \\* 0(?![\\w.])(?! *[*/%])", "0"),       // x * 0
            Fold.needing(" + 0", " \\+ 0(?![\\w.])", ""),                                           // x + 0
            Fold.needing("0 + ", "(?<=[(\\[]|[=,] )0 \\+ ", ""),                                      // 0 + x
            Fold.needing(" * 1", " \\* 1(?![\\w.])", ""),                                           // x * 1
            Fold.needing("1 * ", "(?<=[(\\[]|[=,+\\-] )1 \\* ", ""),                                  // 1 * x
            new Fold(Pattern.compile("(?<![\\w)\\]]|if |while |switch )\\(([\\w.]+)\\)(?!\\s*[\\w(])"), "$1", // (x)
                    Code::mayHoldParenthesizedName));

    private final CodeBlock.Builder builder = CodeBlock.builder();
    /** For each open block: the loop variable it replaced by 0, or null for ordinary control flow. */
    private final Deque<String> blocks = new ArrayDeque<>();

    /** One statement; the semicolon is added. */
    public Code line(String statement) {
        builder.addStatement("$L", tidy(statement));
        return this;
    }

    public Code open(String controlFlow) {
        builder.beginControlFlow("$L", tidy(controlFlow));
        blocks.push("");
        return this;
    }

    /** Closes the open block and opens the next of the same statement: {@code } else {}. */
    public Code next(String controlFlow) {
        blocks.pop();
        builder.nextControlFlow("$L", tidy(controlFlow));
        blocks.push("");
        return this;
    }

    public Code close() {
        String folded = blocks.pop();
        if (folded.isEmpty()) {
            builder.endControlFlow();
        } else {
            builder.unindent().add("}\n");
        }
        return this;
    }

    /** {@code for (int v = 0; v < bound; v++) {}, or for a bound of 1 a block in which v is 0. */
    public Code loop(String variable, Object bound) {
        if ("1".equals(String.valueOf(bound))) {
            builder.add("{\n").indent();
            blocks.push(variable);
            return this;
        }
        return open("for (int " + variable + " = 0; " + variable + " < " + bound + "; " + variable + "++)");
    }

    public Code comment(String text) {
        builder.add("// $L\n", text);
        return this;
    }

    public Code add(CodeBlock block) {
        builder.add(block);
        return this;
    }

    public CodeBlock build() {
        return builder.build();
    }

    /**
     * The statement as a JavaPoet code block: one-trip loop variables replaced by 0, terms that
     * add 0 or multiply by 1 dropped, qualified type names as {@code $T} (so they are imported).
     * String and character literals are left as they are.
     */
    private CodeBlock tidy(String text) {
        var format = new StringBuilder();
        var types = new ArrayList<Object>();
        for (String[] segment : segments(text)) {
            if (segment[0] != null) {
                format.append(segment[0].replace("$", "$$"));
                continue;
            }
            String code = fold(segment[1]);
            Matcher m = TYPE.matcher(code);
            int at = 0;
            while (m.find()) {
                format.append(code, at, m.start()).append("$T");
                types.add(ClassName.get(m.group(1), m.group(2)));
                at = m.end();
            }
            format.append(code.substring(at).replace("$", "$$"));
        }
        return CodeBlock.of(format.toString(), types.toArray());
    }

    /** Replaces the variables of folded loops by 0, then drops {@code + 0}, {@code * 1} and their kin. */
    private String fold(String code) {
        for (String variable : blocks) {
            if (!variable.isEmpty() && code.contains(variable)) {
                code = code.replaceAll("(?<![\\w.])" + Pattern.quote(variable) + "(?![\\w(])", "0");
            }
        }
        String before;
        do {
            before = code;
            for (Fold f : FOLDS) {
                if (f.mayMatch().test(code)) {
                    code = f.pattern().matcher(code).replaceAll(f.replacement());
                }
            }
        } while (!code.equals(before));
        return code;
    }

    /**
     * Whether {@code code} may hold what the last rewrite drops the parentheses of: a name in
     * parentheses that follow no name or closing bracket.
     */
    private static boolean mayHoldParenthesizedName(String code) {
        for (int open = code.indexOf('('); open >= 0; open = code.indexOf('(', open + 1)) {
            char before = open == 0 ? ' ' : code.charAt(open - 1);
            if (isWordChar(before) || before == ')' || before == ']') {
                continue;
            }
            int end = open + 1;
            while (end < code.length() && (isWordChar(code.charAt(end)) || code.charAt(end) == '.')) {
                end++;
            }
            if (end > open + 1 && end < code.length() && code.charAt(end) == ')') {
                return true;
            }
        }
        return false;
    }

    /** A character of {@code \w}: ASCII letters, digits and the underscore. */
    private static boolean isWordChar(char c) {
        return c < 128 && (Character.isLetterOrDigit(c) || c == '_');
    }

    /**
     * Splits Java code into pieces: {literal, null} for string and character literals, {null, code}
     * for the rest.
     */
    private static List<String[]> segments(String text) {
        var out = new ArrayList<String[]>();
        int start = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '"' || c == '\'') {
                out.add(new String[] {null, text.substring(start, i)});
                int j = i + 1;
                while (text.charAt(j) != c) {
                    j += text.charAt(j) == '\\' ? 2 : 1;
                }
                out.add(new String[] {text.substring(i, j + 1), null});
                start = j + 1;
                i = j;
            }
        }
        out.add(new String[] {null, text.substring(start)});
        return out;
    }
}
