package org.quasivm.vmm.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;

import org.quasivm.disk.DiskImages;
import org.quasivm.disk.ImageFormat;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "rebase", mixinStandardHelpOptions = true, usageHelpAutoWidth = true, sortOptions = false,
        description = {
            "Points a child image at a new parent, or with --flatten makes it standalone. First every range where "
                    + "the old chain and the new parent differ is copied into the child, so the child reads exactly "
                    + "as before; then only the reference changes.",
            "",
            "--unsafe skips the copy and only rewrites the reference: for a parent that was moved or renamed, or "
                    + "converted to another file with the same contents.",
            "",
            "The new parent is stored relative to the child's folder."},
        footerHeading = "%nExamples:%n",
        footer = {
            "  quasivm disk rebase overlay.qcow2 --parent base-v2.qcow2",
            "  quasivm disk rebase child.vmdk --parent /new/place/base.vmdk --unsafe",
            "  quasivm disk rebase overlay.qcow2 --flatten"})
final class DiskRebaseCommand extends DiskSubcommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "CHILD")
    Path child;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Target target;

    static final class Target {
        @Option(names = "--parent", paramLabel = "IMAGE", description = "The new parent.")
        Path parent;

        @Option(names = "--flatten", description = "Drop the parent: copy in everything the child reads from it.")
        boolean flatten;
    }

    @Option(names = "--parent-format", paramLabel = "FORMAT",
            description = "Declare the new parent's format instead of probing it.")
    String parentFormat;

    @Option(names = "--format", paramLabel = "FORMAT", description = "Declare the child's format instead of "
            + "probing it.")
    String format;

    @Option(names = "--unsafe", description = "Only rewrite the reference; copy nothing.")
    boolean unsafe;

    @Override
    public Integer call() throws Exception {
        ImageFormat declared = FormatNames.parse(format, "--format");
        ImageFormat newParentFormat = FormatNames.parse(parentFormat, "--parent-format");
        if (target.flatten && (unsafe || parentFormat != null)) {
            throw new CliFailure(ExitCodes.USAGE, "--flatten takes neither --unsafe nor --parent-format");
        }
        if (target.flatten) {
            DiskWork.run(err(), "flattening", "flattened", (progress, cancel) -> {
                DiskImages.flatten(child, declared, progress, cancel);
                return null;
            });
            out().printf("Flattened %s: it no longer has a parent%n", child);
        } else {
            DiskWork.run(err(), "rebasing", "rebased", (progress, cancel) -> {
                DiskImages.rebase(child, declared, target.parent, newParentFormat, unsafe, progress, cancel);
                return null;
            });
            out().printf("Rebased %s onto %s%n", child, target.parent);
        }
        return ExitCodes.OK;
    }
}
