package org.quasivm.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * The module graph of docs/ARCHITECTURE.md, checked on the sources: every {@code org.quasivm} import in a module's
 * main code must point into the module itself or a module it may use directly. (Maven's enforcer checks the POMs;
 * this also catches code reaching through a transitive dependency, and the console reaching device internals.)
 */
class ModuleGraphIT {

    private static final Map<String, String> PACKAGE_OF = Map.of(
            "native-helper", "org.quasivm.nativehelper",
            "quasi-exec", "org.quasivm.exec",
            "disk-formats", "org.quasivm.disk",
            "vm-templates", "org.quasivm.templates",
            "vmm-core", "org.quasivm.vmm",
            "console-fx", "org.quasivm.console");

    private static final Map<String, Set<String>> MAY_USE = Map.of(
            "native-helper", Set.of(),
            "quasi-exec", Set.of("native-helper"),
            "disk-formats", Set.of(),
            "vm-templates", Set.of("disk-formats"),
            "vmm-core", Set.of("quasi-exec", "disk-formats", "vm-templates", "native-helper"),
            "console-fx", Set.of("vmm-core", "vm-templates"));

    /** Packages of vmm-core that the console must not touch: it sees VMs, never device internals. */
    private static final List<String> CONSOLE_FORBIDDEN = List.of("org.quasivm.vmm.devices", "org.quasivm.vmm.bus",
            "org.quasivm.vmm.memory");

    private static final Pattern IMPORT = Pattern.compile("^import\\s+(?:static\\s+)?(org\\.quasivm\\.[\\w.]+)",
            Pattern.MULTILINE);

    private static Path root() {
        return Path.of(System.getProperty("quasivm.repo.root"));
    }

    @Test
    void everyModuleImportsOnlyWhatTheArchitectureAllows() throws IOException {
        List<String> violations = new ArrayList<>();
        for (String module : PACKAGE_OF.keySet()) {
            for (Path source : sources(module)) {
                Matcher m = IMPORT.matcher(Files.readString(source));
                while (m.find()) {
                    String target = owner(m.group(1));
                    if (target == null) {
                        violations.add(source + ": imports unknown QuasiVM package " + m.group(1));
                    } else if (!target.equals(module) && !MAY_USE.get(module).contains(target)) {
                        violations.add(source + ": " + module + " may not use " + target + " (" + m.group(1) + ")");
                    } else if (module.equals("console-fx")
                            && CONSOLE_FORBIDDEN.stream().anyMatch(p -> m.group(1).startsWith(p))) {
                        violations.add(source + ": the console may not use device internals (" + m.group(1) + ")");
                    }
                }
            }
        }
        assertEquals(List.of(), violations);
    }

    @Test
    void everyModulesCodeLivesInItsOwnPackage() throws IOException {
        List<String> misplaced = new ArrayList<>();
        for (Map.Entry<String, String> e : PACKAGE_OF.entrySet()) {
            Path base = root().resolve(e.getKey()).resolve("src/main/java");
            for (Path source : sources(e.getKey())) {
                String pkg = base.relativize(source.getParent()).toString().replace('/', '.');
                if (!pkg.equals(e.getValue()) && !pkg.startsWith(e.getValue() + ".")) {
                    misplaced.add(source.toString());
                }
            }
        }
        assertEquals(List.of(), misplaced);
    }

    @Test
    void theCheckSeesTheSources() throws IOException {
        assertTrue(sources("vmm-core").size() > 10, "the module sources were found under " + root());
    }

    private static String owner(String importedName) {
        String best = null;
        for (Map.Entry<String, String> e : PACKAGE_OF.entrySet()) {
            String pkg = e.getValue();
            if ((importedName.equals(pkg) || importedName.startsWith(pkg + "."))
                    && (best == null || pkg.length() > PACKAGE_OF.get(best).length())) {
                best = e.getKey();
            }
        }
        return best;
    }

    private static List<Path> sources(String module) throws IOException {
        Path dir = root().resolve(module).resolve("src/main/java");
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(p -> p.toString().endsWith(".java")).toList();
        }
    }
}
