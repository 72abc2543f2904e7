package cnnc.cli;

import cnnc.Frontend;
import cnnc.codegen.Backend;
import cnnc.codegen.Precision;
import cnnc.compile.ClassCache;
import cnnc.compile.ClassTooLargeException;
import cnnc.compile.CodeSizeException;
import cnnc.compile.CompiledNetwork;
import cnnc.compile.CompilerUnavailableException;
import cnnc.compile.NetworkCompiler;
import cnnc.compile.VectorModuleMissingException;
import cnnc.diag.DiagnosticPrinter;
import cnnc.diag.SourceFile;
import cnnc.io.IoReasons;
import cnnc.io.ModelFileException;
import cnnc.io.SafeTensors;
import cnnc.io.SafeTensorsFile;
import cnnc.model.Network;
import cnnc.train.ModelFiles;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.function.Supplier;

/** Reads .cnn files for the commands and runs the front end on them, printing diagnostics. */
final class Sources {
    /** The compiling thread's stack: javac recurses over long generated expressions (8 times a main thread's 1 MB). */
    private static final long COMPILER_STACK_BYTES = 8L << 20;

    private Sources() {}

    static SourceFile read(Path path) {
        try {
            if (Files.isDirectory(path)) {
                throw new CliError(ExitCodes.USAGE_OR_IO, path + " is a directory, not a .cnn file");
            }
            return SourceFile.read(path);
        } catch (SourceFile.TooLargeException e) {
            throw new CliError(ExitCodes.USAGE_OR_IO, e.getMessage());
        } catch (NoSuchFileException e) {
            throw new CliError(ExitCodes.USAGE_OR_IO, "cannot read " + path + ": no such file");
        } catch (IOException e) {
            throw new CliError(ExitCodes.USAGE_OR_IO, "cannot read " + path + ": " + IoReasons.of(e));
        }
    }

    /** Runs the front end and prints its diagnostics to {@code err}. */
    static Frontend.Result compile(Path path, PrintWriter err) {
        Frontend.Result result = Frontend.compile(read(path));
        err.print(DiagnosticPrinter.renderAll(result.source(), result.diagnostics(), result.truncated()));
        err.flush();
        return result;
    }

    /** The checked network, or a CliError with exit code 1 after the diagnostics are printed. */
    static Network network(Path path, PrintWriter err) {
        Frontend.Result result = compile(path, err);
        return result.network().orElseThrow(() -> new CliError(ExitCodes.INPUT_ERROR, null));
    }

    /** Generates, compiles and loads the network; size problems are diagnostics (exit 1). */
    static CompiledNetwork compiled(Network network, PrintWriter err) {
        return compiled(network, Backend.SCALAR, err);
    }

    /** The input normalization a model was trained with, if any; a malformed one is an error naming the file. */
    static java.util.Optional<cnnc.data.Normalization> normalization(cnnc.io.SafeTensorsFile model, Path file) {
        try {
            return cnnc.data.Normalization.fromMetadata(model.metadata().get(cnnc.data.Normalization.METADATA_KEY));
        } catch (IllegalArgumentException e) {
            throw new CliError(ExitCodes.USAGE_OR_IO, file + ": " + e.getMessage());
        }
    }

    /** The --backend option's values, for help and shell completion. */
    static final class BackendNames implements Iterable<String> {
        @Override
        public java.util.Iterator<String> iterator() {
            return java.util.List.of("scalar", "vector").iterator();
        }
    }

    /** The --backend option's value; null means the default. */
    static Backend backend(String name) {
        if (name == null || name.equals("scalar")) {
            return Backend.SCALAR;
        } else if (name.equals("vector")) {
            return Backend.VECTOR;
        }
        throw new CliError(ExitCodes.USAGE_OR_IO, "--backend must be scalar or vector, not " + name);
    }

    static CompiledNetwork compiled(Network network, Backend backend, PrintWriter err) {
        return compiling(network, err, () -> compiledClass(network, backend));
    }

    /** The float class of {@code network} on {@code backend}, through the compiled-class cache. */
    private static CompiledNetwork compiledClass(Network network, Backend backend) {
        return NetworkCompiler.compile(network, Precision.FLOAT, backend, ClassCache.standard());
    }

    /**
     * Starts {@link #compiled} on a thread of its own and returns what waits for it: in a fresh JVM
     * generating the class takes about as long as reading MNIST, so a command that needs both does
     * them side by side. Nothing is printed until {@code get()}, which reports problems as
     * {@code compiled} does; a command that fails before then leaves the daemon thread behind.
     */
    static Supplier<CompiledNetwork> compiledMeanwhile(Network network, Backend backend, PrintWriter err) {
        var task = new FutureTask<>(() -> compiledClass(network, backend));
        Thread thread = new Thread(null, task, "cnnc-compile", COMPILER_STACK_BYTES);
        thread.setDaemon(true);
        thread.start();
        return () -> compiling(network, err, () -> outcome(task));
    }

    /** The task's result, or the exception it threw, as thrown. */
    private static <T> T outcome(FutureTask<T> task) {
        try {
            return task.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliError(ExitCodes.USAGE_OR_IO, "interrupted while compiling the network");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    /**
     * Runs a step that generates and compiles code for {@code network}: methods too large for the
     * JIT become diagnostics (exit 1), a Java without javac a usage error (exit 2).
     */
    static <T> T compiling(Network network, PrintWriter err, java.util.function.Supplier<T> step) {
        try {
            try {
                return step.get();
            } catch (ClassTooLargeException e) {
                throw e.asDiagnostics(network);
            }
        } catch (CodeSizeException e) {
            err.print(DiagnosticPrinter.renderAll(network.source(), e.diagnostics(), false));
            err.flush();
            throw new CliError(ExitCodes.INPUT_ERROR, null);
        } catch (CompilerUnavailableException | VectorModuleMissingException e) {
            throw new CliError(ExitCodes.USAGE_OR_IO, e.getMessage());
        }
    }

    /** A network from the .cnn source stored in a model file's metadata. */
    static Network fromModel(Path modelFile, SafeTensorsFile model, PrintWriter err) {
        String text = model.metadata().get(ModelFiles.SOURCE_KEY);
        if (text == null) {
            throw new CliError(ExitCodes.USAGE_OR_IO, modelFile + " does not say which network it holds (no "
                    + ModelFiles.SOURCE_KEY + " metadata); give the .cnn file it was trained from with --network FILE");
        }
        Frontend.Result result = Frontend.compile(new SourceFile(modelFile + "#" + ModelFiles.SOURCE_KEY, text));
        err.print(DiagnosticPrinter.renderAll(result.source(), result.diagnostics(), result.truncated()));
        return result.network().orElseThrow(() -> new CliError(ExitCodes.INPUT_ERROR, null));
    }

    /** Weights from another text of the network fit its shapes, yet may have been trained with other activations. */
    static void warnIfTrainedFromAnotherText(SafeTensorsFile model, Path modelFile, Network network, Path file, PrintWriter err) {
        String trainedFrom = model.metadata().get(ModelFiles.SOURCE_KEY);
        if (trainedFrom != null && !trainedFrom.equals(network.source().text())) {
            err.println("cnnc: warning: " + modelFile + " was trained from a different text than " + file
                    + "; its weights fit the shapes, but check that the layers and activations are the same");
        }
    }

    static SafeTensorsFile readModel(Path path) {
        try {
            return SafeTensors.read(path);
        } catch (ModelFileException e) {
            throw new CliError(ExitCodes.USAGE_OR_IO, e.getMessage());
        }
    }

    /** DIR/model.safetensors, or the file itself when a file is given. */
    static Path modelFile(Path modelOption) {
        return Files.isDirectory(modelOption) ? modelOption.resolve("model.safetensors") : modelOption;
    }
}
