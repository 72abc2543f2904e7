package cnnc.ast;

import cnnc.diag.Span;

/** A whole number as written, with where it was written. May be zero or negative: the checker judges. */
public record IntArg(int value, Span span) {}
