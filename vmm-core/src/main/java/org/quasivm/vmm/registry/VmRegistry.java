package org.quasivm.vmm.registry;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.quasivm.vmm.config.DefinitionCodec;
import org.quasivm.vmm.config.DefinitionProblem;
import org.quasivm.vmm.config.DefinitionValidator;
import org.quasivm.vmm.config.InvalidDefinitionException;
import org.quasivm.vmm.config.VmDefinition;

/**
 * The VMs under one home directory: {@code <home>/<name>/<name>.qvm.json} plus {@code disks/}, {@code snapshots/},
 * {@code logs/}.
 *
 * <p>Every change is crash-safe and serialized between processes. Definitions are replaced atomically
 * ({@link AtomicFile}), so readers need no lock. Writers hold the home's registry lock (exclusive for create, rename,
 * clone and delete; shared for edits) and then the VM's own lock, always in that order. Multi-step operations are
 * ordered so that a crash between any two steps leaves a consistent home: new VMs are built in a staging directory and
 * renamed into place; deletions rename the directory away first; renames write the new definition before moving the
 * directory. Leftovers of interrupted operations are removed by the next writer.
 */
public final class VmRegistry {

    public static final String DEFINITION_SUFFIX = ".qvm.json";
    public static final String DISKS = "disks";
    public static final String SNAPSHOTS = "snapshots";
    public static final String LOGS = "logs";
    private static final String REGISTRY_LOCK = ".quasivm.lock";
    private static final String VM_LOCK = ".lock";
    private static final String STAGING = ".staging-";
    private static final String DELETING = ".deleting-";

    private final Path home;
    private final DefinitionCodec codec;

    public VmRegistry(Path home, DefinitionCodec codec) {
        this.home = home.toAbsolutePath().normalize();
        this.codec = codec;
    }

    public Path home() {
        return home;
    }

    public DefinitionCodec codec() {
        return codec;
    }

    public Path vmDirectory(String name) {
        return home.resolve(checkedName(name));
    }

    public Path definitionFile(String name) {
        return vmDirectory(name).resolve(name + DEFINITION_SUFFIX);
    }

    public boolean exists(String name) {
        return Files.isRegularFile(definitionFile(name));
    }

    /** Every VM in the home, sorted by name; unreadable definitions are listed with their problem. */
    public List<VmListing> list() throws IOException {
        List<VmListing> result = new ArrayList<>();
        if (!Files.isDirectory(home)) {
            return result;
        }
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(home, Files::isDirectory)) {
            for (Path dir : dirs) {
                String name = dir.getFileName().toString();
                if (!DefinitionValidator.NAME.matcher(name).matches()
                        || !Files.isRegularFile(dir.resolve(name + DEFINITION_SUFFIX))) {
                    continue;
                }
                try {
                    result.add(VmListing.of(name, dir, load(name)));
                } catch (InvalidDefinitionException e) {
                    result.add(VmListing.broken(name, dir, e));
                } catch (VmNotFoundException e) {
                    // Deleted between the directory scan and the read: not part of this listing.
                }
            }
        }
        result.sort(Comparator.comparing(VmListing::name));
        return result;
    }

    /** Reads and fully validates a VM's definition. */
    public VmDefinition load(String name) throws VmNotFoundException, InvalidDefinitionException, IOException {
        Path file = definitionFile(name);
        byte[] json;
        try {
            json = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new VmNotFoundException(name, home);
        }
        VmDefinition def = codec.parse(json, file.toString(), file.getParent());
        if (!name.equals(def.name())) {
            throw new InvalidDefinitionException(file.toString(), List.of(new DefinitionProblem("name",
                    "'" + def.name() + "' does not match the VM directory '" + name + "'")));
        }
        return def;
    }

    /** Builds a new VM's directory content before it becomes visible. */
    @FunctionalInterface
    public interface Populator {
        /** Creates owned files inside {@code stagingDir} and returns the definition (paths relative to it). */
        VmDefinition populate(Path stagingDir) throws IOException, InvalidDefinitionException;
    }

    /**
     * Creates a VM atomically: the populator fills a staging directory, the definition is validated against it,
     * written, and the directory renamed into place. On any failure nothing remains.
     */
    public VmDefinition create(String name, Populator populator)
            throws VmConflictException, InvalidDefinitionException, IOException {
        checkedName(name);
        Files.createDirectories(home);
        try (FileLock registry = registryLock(false)) {
            removeLeftovers();
            Path target = vmDirectory(name);
            if (Files.exists(target)) {
                throw new VmConflictException("a VM named '" + name + "' already exists in " + home);
            }
            Path staging = Files.createDirectory(home.resolve(STAGING + name + "-" + System.nanoTime()));
            try {
                createLayout(staging);
                VmDefinition def = populator.populate(staging);
                requireNamed(def, name);
                DefinitionValidator.requireValid(def, staging, target.resolve(name + DEFINITION_SUFFIX).toString());
                AtomicFile.write(staging.resolve(name + DEFINITION_SUFFIX), codec.write(def));
                Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
                AtomicFile.syncDirectory(home);
                return def;
            } finally {
                deleteTree(staging);
            }
        }
    }

    /** An edit of a definition's JSON (with template defaults filled in); it may throw for a malformed request. */
    @FunctionalInterface
    public interface Edit {
        void apply(ObjectNode definition) throws InvalidDefinitionException;
    }

    /**
     * Applies an edit under the VM's lock, so concurrent edits from several processes all survive. The result is
     * validated before it replaces the definition; an invalid result changes nothing.
     */
    public VmDefinition modify(String name, Edit edit)
            throws VmNotFoundException, InvalidDefinitionException, IOException {
        try (FileLock registry = registryLock(true); FileLock vm = vmLock(name)) {
            Path file = definitionFile(name);
            VmDefinition current = load(name);
            ObjectNode tree = codec.withDefaults(codec.toTree(current), file.toString());
            edit.apply(tree);
            return store(name, codec.bind(tree, file.toString(), vmDirectory(name)), file);
        }
    }

    /** Replaces a whole definition with {@code json} (name and uuid, when left out, are kept). */
    public VmDefinition replace(String name, byte[] json, String source)
            throws VmNotFoundException, InvalidDefinitionException, IOException {
        try (FileLock registry = registryLock(true); FileLock vm = vmLock(name)) {
            VmDefinition current = load(name);
            ObjectNode tree = codec.readTree(json, source);
            if (!tree.hasNonNull("name")) {
                tree.put("name", name);
            }
            if (!tree.hasNonNull("uuid")) {
                tree.put("uuid", current.uuid());
            }
            VmDefinition def = codec.bind(codec.withDefaults(tree, source), source, vmDirectory(name));
            List<DefinitionProblem> problems = new ArrayList<>();
            if (!name.equals(def.name())) {
                problems.add(new DefinitionProblem("name", "'" + def.name() + "' differs from the VM's name '" + name
                        + "' (use rename)"));
            }
            if (!current.uuid().equals(def.uuid())) {
                problems.add(new DefinitionProblem("uuid", "a VM's uuid cannot change"));
            }
            if (!problems.isEmpty()) {
                throw new InvalidDefinitionException(source, problems);
            }
            return store(name, def, definitionFile(name));
        }
    }

    private VmDefinition store(String name, VmDefinition def, Path file) throws IOException {
        AtomicFile.removeStaleTemporaries(file);
        AtomicFile.write(file, codec.write(def));
        return def;
    }

    /** Renames a VM: its directory, its definition file and the name inside it. */
    public VmDefinition rename(String from, String to)
            throws VmNotFoundException, VmConflictException, InvalidDefinitionException, IOException {
        checkedName(to);
        try (FileLock registry = registryLock(false)) {
            removeLeftovers();
            VmDefinition def = load(from);
            if (Files.exists(vmDirectory(to))) {
                throw new VmConflictException("a VM named '" + to + "' already exists in " + home);
            }
            Path oldDir = vmDirectory(from);
            VmDefinition renamed = def.withName(to);
            try (FileLock vm = vmLock(from)) {
                // Order matters for crash safety: see the class comment.
                AtomicFile.write(oldDir.resolve(to + DEFINITION_SUFFIX), codec.write(renamed));
                Files.move(oldDir, vmDirectory(to), StandardCopyOption.ATOMIC_MOVE);
            }
            AtomicFile.syncDirectory(home);
            Files.deleteIfExists(vmDirectory(to).resolve(from + DEFINITION_SUFFIX));
            return renamed;
        }
    }

    /**
     * Copies a VM under a new name and uuid: its definition and the files it owns (everything in its {@code disks/}
     * and any other referenced file inside its directory), holes kept. Logs and snapshots are not copied.
     */
    public VmDefinition cloneVm(String from, String to)
            throws VmNotFoundException, VmConflictException, InvalidDefinitionException, IOException {
        VmDefinition source = load(from);
        Path sourceDir = vmDirectory(from);
        VmDefinition copy = source.withName(to).withUuid(UUID.randomUUID().toString()).withCurrentSnapshot(null);
        return create(to, staging -> {
            try (FileLock vm = vmLock(from)) {
                Set<Path> owned = new LinkedHashSet<>();
                Path disks = sourceDir.resolve(DISKS);
                if (Files.isDirectory(disks)) {
                    try (var files = Files.walk(disks)) {
                        files.filter(Files::isRegularFile).forEach(owned::add);
                    }
                }
                for (Path p : DefinitionFiles.referenced(source, sourceDir)) {
                    if (p.startsWith(sourceDir) && Files.isRegularFile(p)) {
                        owned.add(p);
                    }
                }
                for (Path p : owned) {
                    Path target = staging.resolve(sourceDir.relativize(p));
                    Files.createDirectories(target.getParent());
                    SparseCopy.copy(p, target);
                }
            }
            return copy;
        });
    }

    /** What deleting a VM removes (its directory) and which referenced files outside it are kept. */
    public record DeletionPlan(Path directory, List<Path> ownedFiles, List<Path> keptFiles) { }

    public DeletionPlan planDeletion(String name) throws VmNotFoundException, IOException {
        Path dir = vmDirectory(name);
        if (!exists(name)) {
            throw new VmNotFoundException(name, home);
        }
        List<Path> owned = new ArrayList<>();
        try (var files = Files.walk(dir)) {
            files.filter(p -> Files.isRegularFile(p) && !p.getFileName().toString().equals(VM_LOCK)).sorted()
                    .forEach(owned::add);
        }
        List<Path> kept = new ArrayList<>();
        try {
            for (Path p : DefinitionFiles.referenced(load(name), dir)) {
                if (!p.startsWith(dir)) {
                    kept.add(p);
                }
            }
        } catch (InvalidDefinitionException e) {
            // A broken definition can still be deleted; its external references are unknown, and never touched.
        }
        return new DeletionPlan(dir, owned, kept);
    }

    /** Deletes a VM's directory and everything in it. Files outside the directory are never touched. */
    public void delete(String name) throws VmNotFoundException, IOException {
        try (FileLock registry = registryLock(false)) {
            removeLeftovers();
            if (!exists(name)) {
                throw new VmNotFoundException(name, home);
            }
            Path doomed = home.resolve(DELETING + name + "-" + System.nanoTime());
            try (FileLock vm = vmLock(name)) {
                Files.move(vmDirectory(name), doomed, StandardCopyOption.ATOMIC_MOVE);
            }
            AtomicFile.syncDirectory(home);
            deleteTree(doomed);
        }
    }

    private FileLock registryLock(boolean shared) throws IOException {
        Files.createDirectories(home);
        return FileLock.acquire(home.resolve(REGISTRY_LOCK), shared);
    }

    private FileLock vmLock(String name) throws IOException {
        return FileLock.acquire(vmDirectory(name).resolve(VM_LOCK), false);
    }

    private static void createLayout(Path dir) throws IOException {
        Files.createDirectories(dir.resolve(DISKS));
        Files.createDirectories(dir.resolve(SNAPSHOTS));
        Files.createDirectories(dir.resolve(LOGS));
    }

    /** Staging and deleting directories left by killed processes. Call only with the exclusive registry lock. */
    private void removeLeftovers() throws IOException {
        try (DirectoryStream<Path> s = Files.newDirectoryStream(home, p -> {
            String n = p.getFileName().toString();
            return n.startsWith(STAGING) || n.startsWith(DELETING);
        })) {
            for (Path p : s) {
                deleteTree(p);
            }
        }
    }

    private static void requireNamed(VmDefinition def, String name) throws InvalidDefinitionException {
        if (!name.equals(def.name())) {
            throw new InvalidDefinitionException(name, List.of(new DefinitionProblem("name",
                    "'" + def.name() + "' differs from the VM's name '" + name + "'")));
        }
    }

    private static String checkedName(String name) {
        if (name == null || !DefinitionValidator.NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("'" + name + "' is not a valid VM name");
        }
        return name;
    }

    /** Deletes a directory tree without following symbolic links out of it. */
    static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
                if (exc != null) {
                    throw exc;
                }
                Files.delete(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
