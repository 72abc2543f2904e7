package cnnc.syntax;

import cnnc.diag.Diagnostic;
import cnnc.diag.Diagnostics;
import cnnc.diag.Span;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.antlr.v4.runtime.BaseErrorListener;
import org.antlr.v4.runtime.Parser;
import org.antlr.v4.runtime.RecognitionException;
import org.antlr.v4.runtime.Recognizer;
import org.antlr.v4.runtime.Token;
import org.antlr.v4.runtime.misc.IntervalSet;

/**
 * Turns ANTLR's syntax errors into diagnostics a person can act on: names instead of token
 * types, "did you mean" for misspelled keywords, and at most one syntax error per line (the
 * parser resynchronises at the next line, and follow-on errors on the same line are noise).
 */
final class SyntaxErrorReporter extends BaseErrorListener {
    private static final Set<Integer> STATEMENT_STARTS = Set.of(CnnLexer.INPUT, CnnLexer.CONV, CnnLexer.POOL,
            CnnLexer.FLATTEN, CnnLexer.DENSE, CnnLexer.DROPOUT, CnnLexer.OPTIMIZER, CnnLexer.EPOCHS);
    /** The words a statement can start with, for "did you mean" at the start of a line. */
    private static final List<String> STATEMENT_KEYWORDS = List.of("input", "conv", "pool", "flatten", "dense",
            "dropout", "relu", "sigmoid", "tanh", "softmax", "linear", "optimizer", "epochs", "batch", "seed", "positive",
            "validation", "patience", "schedule");

    private final Diagnostics diagnostics;
    private final Offsets offsets;
    private final Set<Integer> linesWithErrors = new HashSet<>();

    SyntaxErrorReporter(Diagnostics diagnostics, Offsets offsets) {
        this.diagnostics = diagnostics;
        this.offsets = offsets;
    }

    @Override
    public void syntaxError(Recognizer<?, ?> recognizer, Object offendingSymbol, int line, int column,
            String antlrMessage, RecognitionException e) {
        if (!(recognizer instanceof Parser parser) || !(offendingSymbol instanceof Token token)) {
            return; // the lexer never fails: every stray character is an UNKNOWN token
        }
        Token previous = parser.getInputStream().LT(-1);
        boolean atLineEnd = token.getType() == CnnLexer.NEWLINE || token.getType() == CnnLexer.SEMI
                || token.getType() == Token.EOF;
        // A missing piece at the end of a line belongs to that line, after its last token.
        Span span = atLineEnd && previous != null ? after(previous) : spanOf(token);
        if (!linesWithErrors.add(span.line())) {
            return;
        }
        IntervalSet expected = expectedTokens(parser, e);
        diagnostics.add(describe(token, previous, expected, span, atLineEnd));
    }

    private static IntervalSet expectedTokens(Parser parser, RecognitionException e) {
        try {
            return e != null && e.getExpectedTokens() != null ? e.getExpectedTokens() : parser.getExpectedTokens();
        } catch (RuntimeException ignored) {
            return new IntervalSet(); // no state to ask: say less, but say something
        }
    }

    private Diagnostic describe(Token token, Token previous, IntervalSet expected, Span span, boolean atLineEnd) {
        String wanted = describeExpected(expected);
        if (atLineEnd) {
            String after = previous == null ? "" : " after `" + previous.getText() + "`";
            return Diagnostic.error(span, "expected " + wanted + after);
        }
        String text = token.getText();
        if (token.getType() == CnnLexer.UNKNOWN) {
            return Diagnostic.error(span, "unexpected character " + quoteChar(text))
                    .withHelp("a .cnn file holds statements such as `conv 10 3x3 relu`, one per line");
        }
        // Where a statement starts, the parser only knows that the previous one ended.
        boolean statementStart = previous == null || previous.getType() == CnnLexer.NEWLINE
                || previous.getType() == CnnLexer.SEMI || expected.contains(CnnLexer.CONV);
        if (statementStart) {
            wanted = "a statement such as `input 28x28x1`, `conv 10 3x3 relu` or `dense 10 softmax`";
        }
        if (token.getType() == CnnLexer.IDENT) {
            String kind = statementStart ? "statement" : "word";
            Diagnostic d = Diagnostic.error(span, "unknown " + kind + " `" + shorten(text) + "`");
            List<String> candidates = statementStart ? STATEMENT_KEYWORDS : keywordsIn(expected);
            if (candidates.isEmpty()) {
                candidates = allKeywords();
            }
            var suggestion = Suggestions.closest(text, candidates);
            if (suggestion.isPresent()) {
                return d.withHelp("did you mean `" + suggestion.get() + "`?");
            }
            return d.withHelp("expected " + wanted);
        }
        return Diagnostic.error(span, "unexpected `" + shorten(text) + "`; expected " + wanted);
    }

    /** "a size like 3x3", "`relu`, `sigmoid` or the end of the line", ... */
    static String describeExpected(IntervalSet expected) {
        Set<Integer> types = new LinkedHashSet<>(expected.toList());
        if (types.containsAll(STATEMENT_STARTS)) {
            return "a statement such as `input 28x28x1`, `conv 10 3x3 relu` or `dense 10 softmax`";
        }
        var names = new ArrayList<String>();
        boolean number = false;
        for (int type : types) {
            switch (type) {
                case CnnLexer.INT, CnnLexer.REAL, CnnLexer.MINUS -> number = true;
                case CnnLexer.DIMS -> names.add("a size like `3x3`");
                case CnnLexer.NEWLINE, CnnLexer.SEMI, Token.EOF -> {
                    if (!names.contains("the end of the statement")) {
                        names.add("the end of the statement");
                    }
                }
                default -> {
                    String literal = CnnLexer.VOCABULARY.getLiteralName(type);
                    if (literal != null) {
                        names.add("`" + literal.substring(1, literal.length() - 1) + "`");
                    }
                }
            }
        }
        if (number && !types.contains(CnnLexer.DIMS)) {
            names.add(0, "a number");
        }
        // Keep the end of the statement last, where it reads naturally.
        if (names.remove("the end of the statement")) {
            names.add("the end of the statement");
        }
        if (names.isEmpty()) {
            return "something else";
        }
        if (names.size() == 1) {
            return names.get(0);
        }
        return String.join(", ", names.subList(0, names.size() - 1)) + " or " + names.get(names.size() - 1);
    }

    private static List<String> keywordsIn(IntervalSet expected) {
        var out = new ArrayList<String>();
        for (int type : expected.toList()) {
            String literal = type > 0 ? CnnLexer.VOCABULARY.getLiteralName(type) : null;
            if (literal != null && Character.isLetter(literal.charAt(1))) {
                out.add(literal.substring(1, literal.length() - 1));
            }
        }
        return out;
    }

    private static List<String> allKeywords() {
        var out = new ArrayList<String>();
        for (int type = 1; type <= CnnLexer.VOCABULARY.getMaxTokenType(); type++) {
            String literal = CnnLexer.VOCABULARY.getLiteralName(type);
            if (literal != null && Character.isLetter(literal.charAt(1))) {
                out.add(literal.substring(1, literal.length() - 1));
            }
        }
        return out;
    }

    private Span spanOf(Token token) {
        int start = token.getStartIndex();
        int end = Math.max(start + 1, token.getStopIndex() + 1);
        return new Span(offsets.toChar(start), offsets.toChar(end), token.getLine(), token.getCharPositionInLine() + 1);
    }

    private Span after(Token token) {
        int end = token.getStopIndex() + 1;
        int column = token.getCharPositionInLine() + 1 + (end - token.getStartIndex());
        int at = offsets.toChar(end);
        return new Span(at, at + 1, token.getLine(), column);
    }

    private static String shorten(String text) {
        return text.length() > 40 ? text.substring(0, 37) + "..." : text;
    }

    private static String quoteChar(String text) {
        int cp = text.codePointAt(0);
        if (cp == 0xFFFD) {
            return "U+FFFD (bytes that are not UTF-8 text)"; // what Sources decodes them to
        }
        if (Character.isISOControl(cp) || !Character.isDefined(cp) || Character.isWhitespace(cp)) {
            return String.format("U+%04X", cp);
        }
        return "`" + text + "`";
    }
}
