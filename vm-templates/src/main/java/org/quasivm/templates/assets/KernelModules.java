package org.quasivm.templates.assets;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The modules of an unpacked kernel package ({@code lib/modules/RELEASE/kernel/...}), found by name and ordered
 * with their dependencies first, read from each module's own {@code .modinfo}. Modules may be stored plain
 * ({@code .ko}) or compressed ({@code .ko.xz}, as newer Debian kernels ship them; decompressed with the host's
 * {@code xz}) — the initramfs always gets plain {@code .ko} files, which busybox's insmod loads.
 */
final class KernelModules {

    /** A module as it goes into the initramfs. */
    record Module(String name, String relativePath, byte[] bytes) { }

    private final Path root;
    private final Path scratch;
    private final Map<String, Path> byName = new HashMap<>();

    /**
     * @param modulesDir {@code lib/modules/RELEASE} of the unpacked kernel package
     * @param scratch    a directory for decompressing {@code .ko.xz} modules
     */
    KernelModules(Path modulesDir, Path scratch) throws AssetException {
        this.root = modulesDir;
        this.scratch = scratch;
        try (Stream<Path> files = Files.walk(modulesDir)) {
            for (Path p : files.filter(Files::isRegularFile).toList()) {
                String file = p.getFileName().toString();
                String stem = file.endsWith(".ko") ? file.substring(0, file.length() - 3)
                        : file.endsWith(".ko.xz") ? file.substring(0, file.length() - 6) : null;
                if (stem != null) {
                    byName.put(normalise(stem), p);
                }
            }
        } catch (IOException e) {
            throw new AssetException("cannot list the kernel modules in " + modulesDir + ": " + e.getMessage(), e);
        }
        if (byName.isEmpty()) {
            throw new AssetException(modulesDir + " holds no kernel modules");
        }
    }

    /** Module names treat '-' and '_' alike, as the kernel does. */
    private static String normalise(String name) {
        return name.replace('-', '_');
    }

    /** {@code wanted} and everything they depend on, each once, dependencies before their users. */
    List<Module> resolve(List<String> wanted) throws AssetException {
        Map<String, Module> ordered = new LinkedHashMap<>();
        for (String name : wanted) {
            visit(normalise(name), ordered, new ArrayList<>());
        }
        return List.copyOf(ordered.values());
    }

    private void visit(String name, Map<String, Module> done, List<String> path) throws AssetException {
        if (done.containsKey(name)) {
            return;
        }
        if (path.contains(name)) {
            throw new AssetException("kernel modules depend on each other in a loop: " + path + " -> " + name);
        }
        Path file = byName.get(name);
        if (file == null) {
            throw new AssetException("the kernel package has no module " + name + (path.isEmpty() ? ""
                    : " (needed by " + path.get(path.size() - 1) + ")"));
        }
        byte[] bytes = plain(file);
        path.add(name);
        for (String dep : ModuleInfo.depends(bytes, file.getFileName().toString())) {
            visit(normalise(dep), done, path);
        }
        path.remove(path.size() - 1);
        String relative = root.relativize(file).toString().replaceFirst("\\.xz$", "");
        done.put(name, new Module(name, relative, bytes));
    }

    private byte[] plain(Path file) throws AssetException {
        try {
            if (!file.getFileName().toString().endsWith(".xz")) {
                return Files.readAllBytes(file);
            }
            Files.createDirectories(scratch);
            Path out = scratch.resolve(file.getFileName().toString().replaceFirst("\\.xz$", ""));
            HostCommand.runToFile(scratch, 120, List.of("xz", "-dc", file.toString()), out);
            byte[] bytes = Files.readAllBytes(out);
            Files.delete(out);
            return bytes;
        } catch (IOException e) {
            throw new AssetException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }
}
