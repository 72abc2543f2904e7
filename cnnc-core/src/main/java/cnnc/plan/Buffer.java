package cnnc.plan;

/** A float[] field of the generated class holding {@code perExample} values per example of a batch. */
public record Buffer(String name, int perExample) {}
