package org.quasivm.disk.ova;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarFile;
import org.quasivm.disk.DiskImageException;

/**
 * The files of an appliance package: the entries of an .ova (tar), or the files next to an .ovf. Names are
 * plain file names; anything with a path, a link or a special file is refused (a package must not reach
 * outside itself).
 */
abstract class PackageFiles implements Closeable {
    final Path source;

    PackageFiles(Path source) {
        this.source = source;
    }

    /** File names in package order. */
    abstract List<String> names();

    abstract long size(String name) throws IOException;

    abstract InputStream open(String name) throws IOException;

    /** A file on disk holding {@code name} as is, or null when it must be extracted. */
    abstract Path directPath(String name);

    byte[] readAll(String name, int max) throws IOException {
        if (size(name) > max) {
            throw new DiskImageException(source, name + " is larger than " + max + " bytes");
        }
        try (InputStream in = open(name)) {
            return in.readNBytes(max);
        }
    }

    static void checkName(Path source, String name) throws DiskImageException {
        if (name.isEmpty() || name.contains("/") || name.contains("\\") || name.equals("..") || name.equals(".")
                || name.indexOf('\0') >= 0) {
            throw new DiskImageException(source, "package entry \"" + name
                    + "\" is not a plain file name (refused: it could reach outside the package)");
        }
    }

    static PackageFiles open(Path source) throws IOException {
        byte[] head = new byte[512];
        try (InputStream in = Files.newInputStream(source)) {
            int n = in.readNBytes(head, 0, 512);
            if (n >= 262 && new String(head, 257, 5, java.nio.charset.StandardCharsets.US_ASCII).equals("ustar")) {
                return new Ova(source);
            }
        } catch (java.nio.file.NoSuchFileException e) {
            throw new DiskImageException(source, "no such file", e);
        }
        String start = new String(head, java.nio.charset.StandardCharsets.UTF_8).stripLeading();
        if (start.startsWith("<") || start.startsWith("\uFEFF<")) {
            return new Directory(source);
        }
        throw new DiskImageException(source, "neither an OVA (tar archive) nor an OVF descriptor (XML)");
    }

    /** An .ova: a tar archive read with random access. */
    static final class Ova extends PackageFiles {
        static final int MAX_ENTRIES = 1024;
        private final TarFile tar;
        private final Map<String, TarArchiveEntry> entries = new LinkedHashMap<>();

        Ova(Path source) throws IOException {
            super(source);
            countEntries(source);
            try {
                tar = new TarFile(source);
            } catch (IOException e) {
                throw new DiskImageException(source, "is not a readable tar archive: " + e.getMessage());
            }
            try {
                for (TarArchiveEntry e : tar.getEntries()) {
                    String name = e.getName().startsWith("./") ? e.getName().substring(2) : e.getName();
                    if (e.isDirectory() && name.isEmpty()) {
                        continue;
                    }
                    checkName(source, name.endsWith("/") ? name.substring(0, name.length() - 1) : name);
                    if (!e.isFile()) {
                        throw new DiskImageException(source, "package entry \"" + name
                                + "\" is not a regular file (links and special files are refused)");
                    }
                    if (entries.put(name, e) != null) {
                        throw new DiskImageException(source, "package holds \"" + name + "\" twice");
                    }
                }
            } catch (IOException | RuntimeException e) {
                tar.close();
                throw e;
            }
        }

        /** A package holds a handful of files; refuse archives that would make us index millions of entries. */
        private static void countEntries(Path source) throws IOException {
            int n = 0;
            try (var in = new org.apache.commons.compress.archivers.tar.TarArchiveInputStream(
                    new java.io.BufferedInputStream(Files.newInputStream(source)))) {
                while (in.getNextEntry() != null) {
                    if (++n > MAX_ENTRIES) {
                        throw new DiskImageException(source, "package holds more than " + MAX_ENTRIES + " files");
                    }
                }
            } catch (DiskImageException e) {
                throw e;
            } catch (IOException e) {
                throw new DiskImageException(source, "is not a readable tar archive: " + e.getMessage());
            }
        }

        @Override
        List<String> names() {
            return List.copyOf(entries.keySet());
        }

        private TarArchiveEntry entry(String name) throws DiskImageException {
            TarArchiveEntry e = entries.get(name);
            if (e == null) {
                throw new DiskImageException(source, "package has no file \"" + name + "\"");
            }
            return e;
        }

        @Override
        long size(String name) throws IOException {
            return entry(name).getSize();
        }

        @Override
        InputStream open(String name) throws IOException {
            return tar.getInputStream(entry(name));
        }

        @Override
        Path directPath(String name) {
            return null;
        }

        @Override
        public void close() throws IOException {
            tar.close();
        }
    }

    /** An .ovf with its files in the same folder. */
    static final class Directory extends PackageFiles {
        private final Path dir;

        Directory(Path ovf) {
            super(ovf);
            this.dir = ovf.toAbsolutePath().getParent();
        }

        @Override
        List<String> names() {
            return List.of(source.getFileName().toString());
        }

        private Path file(String name) throws DiskImageException {
            checkName(source, name);
            Path p = dir.resolve(name);
            if (!Files.isRegularFile(p)) {
                throw new DiskImageException(source, "the package file \"" + name + "\" is missing");
            }
            return p;
        }

        @Override
        long size(String name) throws IOException {
            return Files.size(file(name));
        }

        @Override
        InputStream open(String name) throws IOException {
            return Files.newInputStream(file(name));
        }

        @Override
        Path directPath(String name) {
            try {
                return file(name);
            } catch (DiskImageException e) {
                return null;
            }
        }

        boolean exists(String name) {
            return Files.isRegularFile(dir.resolve(name));
        }

        @Override
        public void close() {
        }
    }
}
