package cnnc.syntax;

import cnnc.ast.Program;
import cnnc.diag.Diagnostics;
import cnnc.diag.SourceFile;
import org.antlr.v4.runtime.CharStreams;
import org.antlr.v4.runtime.CommonTokenStream;
import org.antlr.v4.runtime.atn.PredictionMode;

/** Source text to AST: lexes and parses with the ANTLR grammar, then builds immutable records. */
public final class SourceParser {
    private SourceParser() {}

    /** Parses {@code source}; syntax errors go to {@code diagnostics} and never throw. */
    public static Program parse(SourceFile source, Diagnostics diagnostics) {
        var lexer = new CnnLexer(CharStreams.fromString(countableLines(source.text()), source.name()));
        lexer.removeErrorListeners(); // UNKNOWN catches every stray character; the parser reports it
        var parser = new CnnParser(new CommonTokenStream(lexer));
        var offsets = Offsets.of(source.text());
        parser.setErrorHandler(new LineRecovery());
        parser.removeErrorListeners();
        parser.addErrorListener(new SyntaxErrorReporter(diagnostics, offsets));
        // The grammar is LL(1) in practice: SLL is exact here and keeps 10,000-line files fast.
        parser.getInterpreter().setPredictionMode(PredictionMode.SLL);
        CnnParser.ProgramContext tree = parser.program();
        return new AstBuilder(source, diagnostics, offsets).build(tree);
    }

    /**
     * ANTLR's lexer starts a new line only at '\n', so a file with old Mac line breaks (a lone
     * '\r') would be one long line 1. A lone '\r' becomes '\n' (same length: offsets stay).
     */
    private static String countableLines(String text) {
        if (text.indexOf('\r') < 0) {
            return text;
        }
        char[] chars = text.toCharArray();
        for (int i = 0; i < chars.length; i++) {
            if (chars[i] == '\r' && (i + 1 == chars.length || chars[i + 1] != '\n')) {
                chars[i] = '\n';
            }
        }
        return new String(chars);
    }
}
