package org.quasivm.vmm.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;

import org.quasivm.disk.CreateOptions;
import org.quasivm.disk.DiskImage;
import org.quasivm.disk.DiskImages;
import org.quasivm.disk.ImageFormat;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "create", mixinStandardHelpOptions = true, usageHelpAutoWidth = true, sortOptions = false,
        description = {
            "Creates an empty image, or with --parent a child (differencing) image whose unwritten bytes read "
                    + "through to its parent. The parent is stored relative to the child's folder, so the two can "
                    + "be moved together.",
            "",
            "Subformats: vmdk monolithicSparse (default), monolithicFlat, twoGbMaxExtentSparse, "
                    + "twoGbMaxExtentFlat, streamOptimized; vhd dynamic (default) or fixed; vdi dynamic (default) "
                    + "or fixed; qcow2 v3 (default) or v2. Sparse and dynamic images grow as they are written; flat "
                    + "and fixed ones are allocated whole (as sparse host files where the host allows).",
            "",
            "Children: qcow2 over any format; vmdk over vmdk; vhd (differencing) over vhd."},
        footerHeading = "%nExamples:%n",
        footer = {
            "  quasivm disk create web1.vmdk --format vmdk --size 20G",
            "  quasivm disk create azure.vhd --format vhd --subformat fixed --size 30G",
            "  quasivm disk create overlay.qcow2 --format qcow2 --parent web1.vmdk"})
final class DiskCreateCommand extends DiskSubcommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "IMAGE", description = "The new image (it must not exist).")
    Path image;

    @Option(names = "--format", required = true, paramLabel = "FORMAT",
            description = "raw, vmdk, vhd, vdi or qcow2.")
    String format;

    @Option(names = "--size", paramLabel = "SIZE",
            description = "Virtual size: bytes, or a number with K, M, G or T (binary units). "
                    + "With --parent, the parent's size when left out.")
    String size;

    @Option(names = "--subformat", paramLabel = "NAME", description = "The format's variant (see above).")
    String subformat;

    @Option(names = "--parent", paramLabel = "IMAGE", description = "Create a child of this image.")
    Path parent;

    @Option(names = "--parent-format", paramLabel = "FORMAT",
            description = "Declare the parent's format instead of probing it.")
    String parentFormat;

    @Override
    public Integer call() throws Exception {
        ImageFormat f = FormatNames.parse(format, "--format");
        String sub = FormatNames.subformat(f, subformat, "--subformat");
        if (size == null && parent == null) {
            throw new CliFailure(ExitCodes.USAGE, "--size is required (unless --parent gives it)");
        }
        if (parentFormat != null && parent == null) {
            throw new CliFailure(ExitCodes.USAGE, "--parent-format needs --parent");
        }
        long bytes = size == null ? 0 : parseSize(size);
        CreateOptions options = new CreateOptions(f, sub, bytes, parent, FormatNames.parse(parentFormat,
                "--parent-format"));
        long created = ImageErrors.run(() -> {
            try (DiskImage img = DiskImages.create(image, options)) {
                return img.size();
            }
        });
        out().printf("Created %s: %s, %s%s%n", image, FormatNames.describe(f, sub), Sizes.format(created),
                parent == null ? "" : ", child of " + parent);
        return ExitCodes.OK;
    }

    static long parseSize(String text) {
        try {
            return Sizes.parse(text);
        } catch (IllegalArgumentException e) {
            throw new CliFailure(ExitCodes.USAGE, e.getMessage());
        }
    }
}
