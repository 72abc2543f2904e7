package cnnc.maven;

import java.io.File;
import org.apache.maven.plugin.AbstractMojo;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.Parameter;

/** What the goals that check every network of the source folder share: the folder, failOnWarning and skip. */
abstract class CheckingMojo extends AbstractMojo {
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
    public final void execute() throws MojoExecutionException, MojoFailureException {
        if (skip) {
            getLog().info("cnnc: skipped");
            return;
        }
        run();
    }

    /** The goal's work, when it is not skipped. */
    abstract void run() throws MojoExecutionException, MojoFailureException;
}
