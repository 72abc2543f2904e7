package cnnc.maven;

import java.io.File;
import org.apache.maven.plugin.AbstractMojo;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

/**
 * Checks every {@code .cnn} file under the source folder: syntax, shapes and parameters. Errors
 * fail the build, each printed as {@code file:line:col: error: ...}; warnings fail it only with
 * {@code failOnWarning}.
 */
@Mojo(name = "check", defaultPhase = LifecyclePhase.VALIDATE, threadSafe = true)
public class CheckMojo extends AbstractMojo {
    /** The folder holding the {@code .cnn} files, in folders named as their Java packages. */
    @Parameter(property = "cnnc.sourceDirectory", defaultValue = "${project.basedir}/src/main/cnn")
    File sourceDirectory;

    /** Fails the build on warnings too (a pooling window that leaves out a row, say). */
    @Parameter(property = "cnnc.failOnWarning", defaultValue = "false")
    boolean failOnWarning;

    /** Skips the goal. */
    @Parameter(property = "cnnc.skip", defaultValue = "false")
    boolean skip;

    @Override
    public void execute() throws MojoFailureException {
        if (skip) {
            getLog().info("cnnc: skipped");
            return;
        }
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
