package cnnc.ast;

import cnnc.diag.Span;

/** The padding of a conv statement: {@code pad P}, {@code pad same} or {@code pad valid}. */
public sealed interface Padding {
    Span span();

    record Explicit(int amount, Span span) implements Padding {}

    record Same(Span span) implements Padding {}

    record Valid(Span span) implements Padding {}
}
