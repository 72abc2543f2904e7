package cnnc.cli;

import cnnc.data.DataException;
import cnnc.data.DataSources;
import cnnc.data.ImageFolders;
import cnnc.data.TrainTest;
import cnnc.model.Network;
import cnnc.model.Shape;
import java.io.PrintStream;
import java.nio.file.Path;

/** train's and eval's data step: --data read at the network's input size; every failure a CliError. */
final class DataInput {
    private DataInput() {}

    static TrainTest load(Path data, Network network, PrintStream progress) {
        if (!(network.input() instanceof Shape.Volume) && ImageFolders.isLayout(data)) {
            throw new CliError(ExitCodes.INPUT_ERROR, network.source().name() + ": images from " + data
                    + " need an image input, HxWx1 or HxWx3, not " + network.input().text());
        }
        try {
            return DataSources.load(data, network.input(), progress);
        } catch (DataException e) {
            throw new CliError(ExitCodes.USAGE_OR_IO, e.getMessage());
        }
    }
}
