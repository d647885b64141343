package org.quasivm.templates.assets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Dependency order read from real modules of the Debian kernel package in the cache (skipped, saying why, when the
 * guest has not been built here), plain and xz-compressed.
 */
class KernelModulesTest {

    @TempDir
    Path scratch;

    private static Path modulesDir() throws Exception {
        Path extracted = CacheDirectory.resolve().resolve("extracted");
        assumeTrue(Files.isDirectory(extracted), "guest assets not built (no " + extracted + ")");
        try (DirectoryStream<Path> s = Files.newDirectoryStream(extracted, "linux-image-*")) {
            for (Path p : s) {
                try (DirectoryStream<Path> r = Files.newDirectoryStream(p.resolve("lib/modules"))) {
                    for (Path release : r) {
                        return release;
                    }
                }
            }
        }
        assumeTrue(false, "no unpacked kernel package in " + extracted);
        return null;
    }

    @Test
    void ataPiixComesAfterLibataAndTheScsiCore() throws Exception {
        List<KernelModules.Module> order = new KernelModules(modulesDir(), scratch).resolve(List.of("ata_piix"));
        List<String> names = order.stream().map(KernelModules.Module::name).toList();
        assertEquals("ata_piix", names.get(names.size() - 1));
        assertTrue(names.indexOf("libata") >= 0 && names.indexOf("scsi_mod") < names.indexOf("libata"), names
                .toString());
        assertTrue(names.indexOf("scsi_common") < names.indexOf("scsi_mod"), names.toString());
    }

    @Test
    void eachModuleAppearsOnceEvenWhenSeveralNeedIt() throws Exception {
        List<KernelModules.Module> order = new KernelModules(modulesDir(), scratch).resolve(
                GuestAssetBuilder.STORAGE_MODULES);
        List<String> names = order.stream().map(KernelModules.Module::name).toList();
        assertEquals(names.size(), names.stream().distinct().count(), names.toString());
        assertTrue(names.containsAll(List.of("libata", "cdrom", "fat", "floppy")), names.toString());
    }

    @Test
    void dashesAndUnderscoresNameTheSameModule() throws Exception {
        List<KernelModules.Module> order = new KernelModules(modulesDir(), scratch).resolve(List.of(
                "nls_iso8859-1", "nls_iso8859_1"));
        assertEquals(1, order.size());
    }

    @Test
    void xzCompressedModulesAreUnpackedToPlainOnes() throws Exception {
        Path source = modulesDir();
        Path tree = scratch.resolve("tree/kernel/fs/nls");
        Files.createDirectories(tree);
        Path plain = Files.walk(source).filter(p -> p.getFileName().toString().equals("nls_ascii.ko")).findFirst()
                .orElseThrow();
        Files.copy(plain, tree.resolve("nls_ascii.ko"));
        Process xz = new ProcessBuilder("xz", tree.resolve("nls_ascii.ko").toString()).start();
        assertEquals(0, xz.waitFor());
        List<KernelModules.Module> order = new KernelModules(scratch.resolve("tree"), scratch.resolve("s"))
                .resolve(List.of("nls_ascii"));
        assertEquals("kernel/fs/nls/nls_ascii.ko", order.get(0).relativePath());
        assertEquals(Files.size(plain), order.get(0).bytes().length);
    }

    @Test
    void aMissingModuleIsNamedWithWhatNeededIt() throws Exception {
        AssetException e = assertThrows(AssetException.class,
                () -> new KernelModules(modulesDir(), scratch).resolve(List.of("no_such_module")));
        assertTrue(e.getMessage().contains("no_such_module"), e.getMessage());
    }

    @Test
    void aFileThatIsNotElfIsRefused() {
        AssetException e = assertThrows(AssetException.class, () -> ModuleInfo.depends(new byte[100], "junk.ko"));
        assertTrue(e.getMessage().contains("junk.ko"));
    }
}
