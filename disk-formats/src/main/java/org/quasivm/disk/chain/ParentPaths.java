package org.quasivm.disk.chain;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import org.quasivm.disk.DiskImageException;

/**
 * Turning stored references (parent hints, extent names) into host paths and back. Parents are stored relative
 * to the child's folder so a VM folder can be moved; Windows-style references ({@code ..\base.vhd},
 * {@code C:\VMs\base.vhd}) from images made on Windows are understood.
 */
public final class ParentPaths {
    private ParentPaths() {
    }

    /** Where {@code reference}, stored in {@code child}, points on this host. */
    public static Path resolve(Path child, String reference) throws DiskImageException {
        Path dir = folderOf(child);
        String ref = reference;
        boolean windowsAbsolute = ref.length() >= 3 && Character.isLetter(ref.charAt(0)) && ref.charAt(1) == ':'
                && (ref.charAt(2) == '\\' || ref.charAt(2) == '/');
        if (windowsAbsolute || ref.startsWith("\\\\")) {
            // A Windows absolute path cannot exist here: look for the file next to the child.
            String name = ref.substring(Math.max(ref.lastIndexOf('\\'), ref.lastIndexOf('/')) + 1);
            return dir.resolve(name).normalize();
        }
        if (java.io.File.separatorChar == '/') {
            ref = ref.replace('\\', '/');
        }
        try {
            return dir.resolve(ref).normalize();
        } catch (InvalidPathException e) {
            throw new DiskImageException(child, "parent reference \"" + reference + "\" is not a valid path");
        }
    }

    /** The reference to store in {@code child} for {@code parent}: relative when both share a root. */
    public static String reference(Path child, Path parent) {
        Path dir = folderOf(child).toAbsolutePath().normalize();
        Path p = parent.toAbsolutePath().normalize();
        if (p.getRoot() != null && p.getRoot().equals(dir.getRoot())) {
            return dir.relativize(p).toString().replace('\\', '/');
        }
        return p.toString();
    }

    /** An extent file named in a descriptor; it must lie in the descriptor's folder or below. */
    public static Path extentPath(Path descriptor, String name) throws DiskImageException {
        Path dir = folderOf(descriptor).toAbsolutePath().normalize();
        Path p;
        try {
            p = dir.resolve(java.io.File.separatorChar == '/' ? name.replace('\\', '/') : name).normalize();
        } catch (InvalidPathException e) {
            throw new DiskImageException(descriptor, "extent file name \"" + name + "\" is not a valid path");
        }
        if (!p.startsWith(dir)) {
            throw new DiskImageException(descriptor, "extent file \"" + name
                    + "\" lies outside the descriptor's folder (refused: an image must not read other host files)");
        }
        return p;
    }

    private static Path folderOf(Path file) {
        Path abs = file.toAbsolutePath();
        Path dir = abs.getParent();
        return dir == null ? abs.getRoot() : dir;
    }
}
