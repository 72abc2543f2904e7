package cnnc.ast;

import cnnc.diag.SourceFile;
import java.util.List;

/** A parsed .cnn file: its statements in order, and the source they came from. */
public record Program(SourceFile source, List<Statement> statements) {
    public Program {
        statements = List.copyOf(statements);
    }
}
