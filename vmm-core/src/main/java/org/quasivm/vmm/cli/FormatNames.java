package org.quasivm.vmm.cli;

import org.quasivm.disk.ImageFormat;

/** Image format and subformat names on the command line (qemu-img's {@code vpc} is accepted for VHD). */
final class FormatNames {

    private FormatNames() {
    }

    /** The format named by {@code option}, or null when the option was not given (probe by magic). */
    static ImageFormat parse(String name, String option) {
        if (name == null) {
            return null;
        }
        try {
            return ImageFormat.parse(name);
        } catch (IllegalArgumentException e) {
            throw new CliFailure(ExitCodes.USAGE, option + ": " + e.getMessage());
        }
    }

    /** The canonical subformat name (VMware's spelling for VMDK), the format's default for null. */
    static String subformat(ImageFormat format, String name, String option) {
        try {
            return format.subformat(name);
        } catch (IllegalArgumentException e) {
            throw new CliFailure(ExitCodes.USAGE, option + ": " + e.getMessage());
        }
    }

    /** "vmdk streamOptimized", "qcow2 v3", or just "raw". */
    static String describe(ImageFormat format, String subformat) {
        return subformat == null || subformat.equals(format.id()) ? format.id() : format.id() + " " + subformat;
    }

    /** The usual file extension of a format ({@code .img} for raw). */
    static String extension(ImageFormat format) {
        return format == ImageFormat.RAW ? ".img" : "." + format.id();
    }
}
