package cnnc.data;

import java.nio.file.Path;

/** Lets tests in other packages build the colour folders of {@link DataSourcesTest}. */
public final class DataSourcesTestAccess {
    private DataSourcesTestAccess() {}

    public static void colourFolders(Path dir, int perClass) throws Exception {
        DataSourcesTest.colourFolders(dir, perClass);
    }
}
