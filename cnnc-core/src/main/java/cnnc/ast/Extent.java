package cnnc.ast;

import cnnc.diag.Span;

/** A height x width pair such as a kernel size {@code 3x3}; a single number n means n x n. */
public record Extent(int height, int width, Span span) {

    public String text() {
        return height + "x" + width;
    }
}
