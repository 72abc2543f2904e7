package cnnc.maven;

import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;

/**
 * Checks every {@code .cnn} file under the source folder: syntax, shapes and parameters. Errors
 * fail the build, each printed as {@code file:line:col: error: ...}; warnings fail it only with
 * {@code failOnWarning}.
 */
@Mojo(name = "check", defaultPhase = LifecyclePhase.VALIDATE, threadSafe = true)
public class CheckMojo extends CheckingMojo {
    @Override
    void run() throws MojoFailureException {
        var files = NetworkFile.find(sourceDirectory.toPath(), GenerateMojo.DEFAULT_PACKAGE);
        if (files.isEmpty()) {
            getLog().info("cnnc: no .cnn files in " + sourceDirectory);
            return;
        }
        var networks = new Networks(getLog());
        for (NetworkFile file : files) {
            networks.check(file.path());
        }
        networks.failIfNeeded(failOnWarning);
        getLog().info("cnnc: checked " + files.size() + " network" + (files.size() == 1 ? "" : "s") + " in " + sourceDirectory);
    }
}
