package org.quasivm.vmm.cli;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

import org.quasivm.disk.DiskImages;
import org.quasivm.disk.ImageInfo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "info", mixinStandardHelpOptions = true, usageHelpAutoWidth = true, sortOptions = false,
        description = {
            "Shows an image's format and subformat (VMware's names for VMDK: monolithicSparse, streamOptimized, ...), "
                    + "virtual size, the bytes it stores, its files on the host, and its parent chain, each parent "
                    + "with the same details. A parent that is missing or does not match is reported as a warning.",
            "",
            "With --json: {path, format, subformat, virtualSize, allocatedBytes, fileBytes, files, parentReference, "
                    + "warnings, parent}, where parent is the same object for the parent image, or null."},
        footerHeading = "%nExamples:%n",
        footer = {
            "  quasivm disk info web1.vmdk",
            "  quasivm disk info snapshot.qcow2 --json",
            "  quasivm disk info guest.img --format raw"})
final class DiskInfoCommand extends DiskSubcommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "IMAGE")
    Path image;

    @Option(names = "--format", paramLabel = "FORMAT",
            description = "Declare the image's format (raw, vmdk, vhd, vdi, qcow2) instead of probing it.")
    String format;

    @Option(names = "--json", description = "Print the report as JSON.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        ImageInfo info = ImageErrors.run(() -> DiskImages.info(image, FormatNames.parse(format, "--format")));
        if (json) {
            printJson(tree(info));
            return ExitCodes.OK;
        }
        boolean first = true;
        for (ImageInfo layer = info; layer != null; layer = layer.parent()) {
            if (!first) {
                out().println();
                out().println("parent of the image above:");
            }
            print(layer);
            first = false;
        }
        return ExitCodes.OK;
    }

    private void print(ImageInfo i) {
        out().printf("image:          %s%n", i.path());
        out().printf("format:         %s (%s)%n", i.format().id(), i.subformat());
        out().printf("virtual size:   %s%n", withBytes(i.virtualSize()));
        out().printf("stored data:    %s%n", withBytes(i.allocatedBytes()));
        out().printf("file size:      %s%n", withBytes(i.fileBytes()));
        if (i.files().size() > 1) {
            out().printf("files:          %s%n", String.join(", ", i.files()));
        }
        if (i.parentReference() != null) {
            out().printf("parent:         %s%n", i.parentReference());
        }
        for (String w : i.warnings()) {
            out().printf("warning:        %s%n", w);
        }
    }

    private static String withBytes(long n) {
        return n < 1024 ? Sizes.human(n) : Sizes.human(n) + " (" + n + " bytes)";
    }

    static Map<String, Object> tree(ImageInfo i) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("path", i.path());
        m.put("format", i.format().id());
        m.put("subformat", i.subformat());
        m.put("virtualSize", i.virtualSize());
        m.put("allocatedBytes", i.allocatedBytes());
        m.put("fileBytes", i.fileBytes());
        m.put("files", i.files());
        m.put("parentReference", i.parentReference());
        m.put("warnings", i.warnings());
        m.put("parent", i.parent() == null ? null : tree(i.parent()));
        return m;
    }
}
