package org.quasivm.vmm.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Disk images for {@code create}: making new ones and recognising attached ones. This build creates and attaches raw
 * images only; other formats are recognised by their magic so that they are refused with a clear message instead of
 * being attached as raw (a qcow2 file used as a raw disk would be corrupted by the guest).
 */
final class DiskImages {

    private DiskImages() {
    }

    static String extension(String format) {
        return switch (format) {
            case "raw" -> ".img";
            case "vmdk", "vhd", "vdi", "qcow2" -> "." + format;
            default -> throw new CliFailure(ExitCodes.USAGE, "unknown disk format '" + format
                    + "' (raw, vmdk, vhd, vdi, qcow2)");
        };
    }

    static void create(Path file, String format, long size) throws IOException {
        if (!format.equals("raw")) {
            throw new CliFailure(ExitCodes.UNSUPPORTED, "creating " + format
                    + " images is not supported by this build yet; use --disk SIZE:raw");
        }
        if (size % 512 != 0) {
            throw new CliFailure(ExitCodes.USAGE, "disk size " + size + " is not a multiple of 512 bytes");
        }
        Files.createDirectories(file.getParent());
        try (var ch = java.nio.channels.FileChannel.open(file, StandardOpenOption.CREATE_NEW,
                StandardOpenOption.WRITE)) {
            // A sparse file: the length is set, no blocks are written.
            ch.write(java.nio.ByteBuffer.wrap(new byte[1]), size - 1);
            ch.truncate(size);
        }
    }

    /** The storage entry for an existing image; refuses formats this build cannot open. */
    static ObjectNode attach(String path) throws IOException {
        Path p = Path.of(path);
        ObjectNode disk = JsonNodeFactory.instance.objectNode().put("type", "disk").put("image", path)
                .put("format", "raw").put("readOnly", false);
        if (!Files.isRegularFile(p)) {
            return disk; // the validator reports the missing file with its path
        }
        String format = probe(p);
        if (format != null) {
            throw new CliFailure(ExitCodes.UNSUPPORTED, path + " is a " + format
                    + " image; this build attaches raw images only");
        }
        return disk;
    }

    /** The format to record for an existing image: raw, or a refusal naming the format this build cannot open. */
    static String formatOf(Path image) {
        try {
            if (Files.isRegularFile(image)) {
                String format = probe(image);
                if (format != null) {
                    throw new CliFailure(ExitCodes.UNSUPPORTED, image + " is a " + format
                            + " image; this build attaches raw images only");
                }
            }
            return "raw";
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The name of a non-raw format recognised by its magic, or null when the file looks raw. */
    static String probe(Path p) throws IOException {
        byte[] head = new byte[1024];
        int n;
        try (InputStream in = Files.newInputStream(p)) {
            n = in.readNBytes(head, 0, head.length);
        }
        String text = new String(head, 0, n, StandardCharsets.ISO_8859_1);
        if (text.startsWith("QFI\u00fb")) {
            return "qcow2";
        } else if (text.startsWith("KDMV") || text.startsWith("COWD") || text.contains("# Disk DescriptorFile")) {
            return "vmdk";
        } else if (text.startsWith("conectix") || endsWithVhdFooter(p)) {
            return "vhd";
        } else if (text.startsWith("<<< ") && text.contains("Disk Image >>>")) {
            return "vdi";
        }
        return null;
    }

    private static boolean endsWithVhdFooter(Path p) throws IOException {
        long size = Files.size(p);
        if (size < 512) {
            return false;
        }
        try (var ch = java.nio.channels.FileChannel.open(p, StandardOpenOption.READ)) {
            java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(8);
            ch.read(b, size - 512);
            return new String(b.array(), StandardCharsets.ISO_8859_1).equals("conectix");
        }
    }
}
