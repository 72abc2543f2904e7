/**
 * cnnc as a library: check a {@code .cnn} source ({@link cnnc.api.Cnnc#check}), summarize it,
 * generate the training or inference class's source, and compile it in memory. The values it
 * returns ({@link cnnc.api.CheckResult}, {@link cnnc.model.Network},
 * {@link cnnc.diag.Diagnostic}, {@link cnnc.codegen.GeneratedSource}) are immutable.
 */
package cnnc.api;
