package cnnc.cli;

import cnnc.Frontend;
import cnnc.diag.DiagnosticPrinter;
import cnnc.diag.SourceFile;
import cnnc.model.Network;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** Reads .cnn files for the commands and runs the front end on them, printing diagnostics. */
final class Sources {
    private Sources() {}

    static SourceFile read(Path path) {
        try {
            if (Files.isDirectory(path)) {
                throw new CliError(ExitCodes.USAGE_OR_IO, path + " is a directory, not a .cnn file");
            }
            byte[] bytes = Files.readAllBytes(path);
            // Malformed UTF-8 becomes U+FFFD, which the parser reports as an unexpected character.
            String text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPLACE)
                    .onUnmappableCharacter(CodingErrorAction.REPLACE)
                    .decode(ByteBuffer.wrap(bytes)).toString();
            return new SourceFile(path.toString(), text);
        } catch (NoSuchFileException e) {
            throw new CliError(ExitCodes.USAGE_OR_IO, "cannot read " + path + ": no such file");
        } catch (IOException e) {
            throw new CliError(ExitCodes.USAGE_OR_IO, "cannot read " + path + ": " + e.getMessage());
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
}
