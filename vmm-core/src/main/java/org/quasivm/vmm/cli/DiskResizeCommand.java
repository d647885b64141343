package org.quasivm.vmm.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;

import org.quasivm.disk.DiskImages;
import org.quasivm.disk.ImageFormat;
import org.quasivm.disk.ImageInfo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "resize", mixinStandardHelpOptions = true, usageHelpAutoWidth = true, sortOptions = false,
        description = {
            "Changes an image's virtual size. raw, qcow2 and vhd images grow; raw images may also shrink, with "
                    + "--shrink (the bytes past the new end are lost). The guest's partitions and file systems are "
                    + "not touched: grow them from inside the guest.",
            "",
            "SIZE is the new size, or +SIZE to grow by that much."},
        footerHeading = "%nExamples:%n",
        footer = {
            "  quasivm disk resize web1.qcow2 40G",
            "  quasivm disk resize web1.vhd +10G",
            "  quasivm disk resize scratch.img 1G --shrink"})
final class DiskResizeCommand extends DiskSubcommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "IMAGE")
    Path image;

    @Parameters(index = "1", paramLabel = "[+]SIZE")
    String size;

    @Option(names = "--format", paramLabel = "FORMAT", description = "Declare the image's format instead of "
            + "probing it.")
    String format;

    @Option(names = "--shrink", description = "Allow the new size to be smaller (raw images only).")
    boolean shrink;

    @Override
    public Integer call() throws Exception {
        ImageFormat declared = FormatNames.parse(format, "--format");
        ImageInfo info = ImageErrors.run(() -> DiskImages.info(image, declared));
        boolean relative = size.startsWith("+");
        long bytes = DiskCreateCommand.parseSize(relative ? size.substring(1) : size);
        long newSize = relative ? Math.addExact(info.virtualSize(), bytes) : bytes;
        if (newSize < info.virtualSize() && !shrink) {
            throw new CliFailure(ExitCodes.USAGE, "shrinking " + image + " from " + Sizes.format(info.virtualSize())
                    + " to " + Sizes.format(newSize) + " loses the data past the new end; add --shrink to do it");
        }
        ImageFormat f = info.format();
        ImageErrors.run(() -> {
            DiskImages.resize(image, f, newSize);
            return null;
        });
        out().printf("Resized %s from %s to %s%n", image, Sizes.format(info.virtualSize()), Sizes.format(newSize));
        return ExitCodes.OK;
    }
}
