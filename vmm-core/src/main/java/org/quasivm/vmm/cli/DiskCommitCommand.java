package org.quasivm.vmm.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;

import org.quasivm.disk.DiskImages;
import org.quasivm.disk.ImageFormat;
import org.quasivm.disk.ImageInfo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "commit", mixinStandardHelpOptions = true, usageHelpAutoWidth = true, sortOptions = false,
        description = {
            "Merges a child image into its parent: every range the child stores is written into the parent. "
                    + "Afterwards the child is emptied (as qemu-img leaves it), or keeps its data with --keep-child.",
            "",
            "The parent changes in place: other children of the same parent no longer read what they did. If the "
                    + "commit is interrupted (Ctrl-C, a crash), the child and its chain still read as before and "
                    + "the commit can be run again."},
        footerHeading = "%nExamples:%n",
        footer = {
            "  quasivm disk commit overlay.qcow2",
            "  quasivm disk commit child.vmdk --keep-child"})
final class DiskCommitCommand extends DiskSubcommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "CHILD")
    Path child;

    @Option(names = "--format", paramLabel = "FORMAT", description = "Declare the child's format instead of "
            + "probing it.")
    String format;

    @Option(names = "--keep-child", description = "Leave the child's data in place (it reads the same either way).")
    boolean keepChild;

    @Override
    public Integer call() throws Exception {
        ImageFormat declared = FormatNames.parse(format, "--format");
        ImageInfo info = ImageErrors.run(() -> DiskImages.info(child, declared));
        if (info.parentReference() == null) {
            throw new CliFailure(ExitCodes.USAGE, child + " has no parent to commit into");
        }
        DiskWork.run(err(), "committing", "committed", (progress, cancel) -> {
            DiskImages.commit(child, declared, !keepChild, progress, cancel);
            return null;
        });
        out().printf("Committed %s into %s%s%n", child, info.parentReference(),
                keepChild ? "" : "; the child is now empty");
        return ExitCodes.OK;
    }
}
