package cnnc.codegen;

import com.palantir.javapoet.CodeBlock;

/**
 * A weight tensor laid out anew for the forward code (a dense layer's weights transposed, one
 * array per input), which the inference class derives once from the weights it loads: every
 * thread's buffers then read the same copy, where each used to hold its own (411 MB a thread for
 * VGG-16's first dense layer). The training class lays its weights out again at each step,
 * since they change, into working fields of its own ({@link Scratch}).
 *
 * @param name the forward code's field that holds it, also the local the fill writes
 * @param allocation the expression that allocates it, such as {@code new float[784][500]}
 * @param source the field of the weight tensor it is derived from, also the local the fill reads
 * @param fill statements that fill it from that tensor
 */
public record SharedLayout(String name, String allocation, String source, CodeBlock fill) {}
