package cnnc.ast;

import cnnc.diag.Span;

/** A real number as written (e.g. 0.001 or 1e-4), with where it was written. */
public record RealArg(double value, Span span) {}
