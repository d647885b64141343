package org.quasivm.vmm.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;

import org.quasivm.disk.DiskImages;
import org.quasivm.disk.ImageFormat;
import org.quasivm.disk.convert.ConvertOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "convert", mixinStandardHelpOptions = true, usageHelpAutoWidth = true, sortOptions = false,
        description = {
            "Converts an image (with its whole parent chain) into a new standalone image of any format. Holes and "
                    + "zero blocks are not written, so sparse images stay small; streamOptimized VMDKs and "
                    + "--compress'ed qcow2 images are deflated on every core.",
            "",
            "DESTINATION must not exist. It is built beside its final name and appears only when complete: a failure "
                    + "or Ctrl-C leaves nothing. It is synced to stable storage before it appears unless --no-sync "
                    + "is given.",
            "",
            "Subformats: vmdk monolithicSparse (default), monolithicFlat, twoGbMaxExtentSparse, "
                    + "twoGbMaxExtentFlat, streamOptimized; vhd dynamic (default) or fixed; vdi dynamic (default) "
                    + "or fixed; qcow2 v3 (default) or v2. VHDs keep the exact size (no CHS rounding), as Hyper-V "
                    + "and Azure expect."},
        footerHeading = "%nExamples:%n",
        footer = {
            "  quasivm disk convert disk.img disk.vmdk --format vmdk",
            "  quasivm disk convert web1.qcow2 web1.vmdk --format vmdk --subformat streamOptimized",
            "  quasivm disk convert server.vmdk server.vhd --format vhd --subformat fixed",
            "  quasivm disk convert overlay.qcow2 flat.qcow2 --format qcow2 --compress"})
final class DiskConvertCommand extends DiskSubcommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "SOURCE")
    Path source;

    @Parameters(index = "1", paramLabel = "DESTINATION")
    Path destination;

    @Option(names = "--format", required = true, paramLabel = "FORMAT",
            description = "The new image's format: raw, vmdk, vhd, vdi or qcow2.")
    String format;

    @Option(names = "--subformat", paramLabel = "NAME", description = "The new image's variant (see above).")
    String subformat;

    @Option(names = "--source-format", paramLabel = "FORMAT",
            description = "Declare the source's format instead of probing it.")
    String sourceFormat;

    @Option(names = "--compress", description = "Write compressed clusters (qcow2 only; streamOptimized VMDKs are "
            + "always compressed).")
    boolean compress;

    @Option(names = "--threads", paramLabel = "N",
            description = "Compression threads (default: one per processor).")
    Integer threads;

    @Option(names = "--no-sync", description = "Do not sync the output before it appears (faster, like qemu-img's "
            + "default; a power loss soon after may damage it, the source is untouched).")
    boolean noSync;

    @Override
    public Integer call() throws Exception {
        ImageFormat f = FormatNames.parse(format, "--format");
        String sub = FormatNames.subformat(f, subformat, "--subformat");
        ImageFormat from = FormatNames.parse(sourceFormat, "--source-format");
        if (threads != null && (threads < 1 || threads > 256)) {
            throw new CliFailure(ExitCodes.USAGE, "--threads must be between 1 and 256");
        }
        if (compress && f != ImageFormat.QCOW2) {
            throw new CliFailure(ExitCodes.USAGE, "--compress is for qcow2 (streamOptimized VMDKs are always "
                    + "compressed)");
        }
        ConvertOptions options = ConvertOptions.to(f, sub).withDurable(!noSync);
        if (compress) {
            options = options.compressed();
        }
        if (threads != null) {
            options = options.withThreads(threads);
        }
        ConvertOptions chosen = options;
        DiskWork.run(err(), "converting", "converted", (progress, cancel) -> {
            DiskImages.convert(source, from, destination, chosen, progress, cancel);
            return null;
        });
        out().printf("Converted %s to %s (%s)%n", source, destination, FormatNames.describe(f, sub));
        return ExitCodes.OK;
    }
}
