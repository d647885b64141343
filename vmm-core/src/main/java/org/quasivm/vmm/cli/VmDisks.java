package org.quasivm.vmm.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.quasivm.disk.CreateOptions;
import org.quasivm.disk.DiskImage;
import org.quasivm.disk.DiskImageException;
import org.quasivm.disk.DiskImages;
import org.quasivm.disk.ImageFormat;
import org.quasivm.disk.ImageInfo;

/**
 * The hard disks of VM definitions, through disk-formats: new images for {@code create --disk} in any writable format,
 * and the format of images attached with {@code create --attach} or {@code set ...=disk:IMAGE}, found by magic (never
 * by file name) and recorded in the definition so the VM never probes it again.
 */
final class VmDisks {

    /** An IDE slot's JSON for a disk image, and what opening the image had to say. */
    record Attached(ObjectNode slot, List<String> warnings) { }

    private VmDisks() {
    }

    /**
     * Creates {@code file} from a {@code --disk} specification {@code SIZE[:FORMAT[:SUBFORMAT]]} (empty: the
     * template's size and format) and returns its slot, with {@code image} as the definition will name it.
     */
    static ObjectNode create(Path file, String image, String spec, long defaultSize, String defaultFormat)
            throws IOException {
        String[] parts = spec.isEmpty() ? new String[0] : spec.split(":", -1);
        if (parts.length > 3) {
            throw new CliFailure(ExitCodes.USAGE, "--disk: '" + spec + "' is not SIZE[:FORMAT[:SUBFORMAT]]");
        }
        long size = defaultSize;
        if (parts.length > 0 && !parts[0].isEmpty()) {
            try {
                size = Sizes.parse(parts[0]);
            } catch (IllegalArgumentException e) {
                throw new CliFailure(ExitCodes.USAGE, "--disk: " + e.getMessage());
            }
        }
        if (size % 512 != 0) {
            throw new CliFailure(ExitCodes.USAGE, "--disk: size " + size + " is not a multiple of 512 bytes");
        }
        ImageFormat format = FormatNames.parse(parts.length > 1 ? parts[1] : defaultFormat, "--disk");
        String sub = FormatNames.subformat(format, parts.length > 2 ? parts[2] : null, "--disk");
        if (sub.equals("streamOptimized")) {
            throw new CliFailure(ExitCodes.USAGE, "--disk: a streamOptimized VMDK cannot be written in place "
                    + "(it is for export); use monolithicSparse");
        }
        Files.createDirectories(file.getParent());
        long created = size;
        ImageErrors.run(() -> {
            try (DiskImage img = DiskImages.create(file, CreateOptions.of(format, sub, created))) {
                return img.size();
            }
        });
        return slot(image, format);
    }

    /** The slot for an existing image at {@code path} (absolute), its format probed and recorded. */
    static Attached attach(String path) throws IOException {
        Path p = Path.of(path);
        if (!Files.isRegularFile(p)) {
            // The definition validator reports the missing file, naming the field.
            return new Attached(slot(path, ImageFormat.RAW), List.of());
        }
        ImageInfo info = ImageErrors.run(() -> DiskImages.info(p, null));
        if (info.format() == ImageFormat.VMDK && "streamOptimized".equals(info.subformat())) {
            throw new CliFailure(ExitCodes.UNSUPPORTED, path + " is a streamOptimized VMDK, which cannot be written "
                    + "in place; convert it first: quasivm disk convert " + path + " DISK.vmdk --format vmdk");
        }
        if (info.format() == ImageFormat.VDI && info.parentReference() != null) {
            throw new CliFailure(ExitCodes.UNSUPPORTED, path + " is a VDI differencing image, which cannot be "
                    + "written here; convert it first: quasivm disk convert " + path + " DISK.vdi --format vdi");
        }
        return new Attached(slot(path, info.format()), info.warnings());
    }

    /** For {@code set ...=disk:IMAGE}: the format to record for an image (it must be attachable). */
    static String formatOf(Path image) {
        try {
            return attach(image.toString()).slot().get("format").asText();
        } catch (DiskImageException e) {
            throw ImageErrors.failure(e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static ObjectNode slot(String image, ImageFormat format) {
        return JsonNodeFactory.instance.objectNode().put("type", "disk").put("image", image)
                .put("format", format.id()).put("readOnly", false);
    }
}
