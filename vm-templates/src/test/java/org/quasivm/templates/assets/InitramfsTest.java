package org.quasivm.templates.assets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;

import org.apache.commons.compress.archivers.cpio.CpioArchiveEntry;
import org.apache.commons.compress.archivers.cpio.CpioArchiveInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InitramfsTest {

    @TempDir
    Path dir;

    private static Map<String, CpioArchiveEntry> read(Path gz, Map<String, byte[]> contents) throws Exception {
        Map<String, CpioArchiveEntry> entries = new LinkedHashMap<>();
        try (InputStream in = new GZIPInputStream(Files.newInputStream(gz));
             CpioArchiveInputStream cpio = new CpioArchiveInputStream(in)) {
            CpioArchiveEntry e;
            while ((e = cpio.getNextCPIOEntry()) != null) {
                entries.put(e.getName(), e);
                contents.put(e.getName(), cpio.readAllBytes());
            }
        }
        return entries;
    }

    @Test
    void busyboxImageHasInitConsoleAndShell() throws Exception {
        Path gz = dir.resolve("initrd.gz");
        GuestAssetBuilder.busyboxInitramfs("ELF-busybox".getBytes(), "6.1.0-test", List.of()).writeGzip(gz);
        Map<String, byte[]> contents = new LinkedHashMap<>();
        Map<String, CpioArchiveEntry> e = read(gz, contents);
        assertTrue(e.get("dev/console").isCharacterDevice());
        assertEquals(5, e.get("dev/console").getRemoteDeviceMaj());
        assertEquals(1, e.get("dev/console").getRemoteDeviceMin());
        assertEquals(0755, e.get("init").getMode() & 0777);
        assertTrue(new String(contents.get("init"), StandardCharsets.UTF_8).contains("mount -t proc proc /proc"));
        assertTrue(new String(contents.get("init"), StandardCharsets.UTF_8).contains("mount -t sysfs sysfs /sys"));
        assertArrayEquals("ELF-busybox".getBytes(), contents.get("bin/busybox"));
        assertTrue(e.get("bin/sh").isSymbolicLink());
        assertEquals("busybox", new String(contents.get("bin/sh"), StandardCharsets.UTF_8));
    }

    @Test
    void modulesGoUnderTheKernelReleaseWithTheirLoadOrder() throws Exception {
        Path gz = dir.resolve("initrd.gz");
        List<KernelModules.Module> modules = List.of(
                new KernelModules.Module("libata", "kernel/drivers/ata/libata.ko", new byte[] {1}),
                new KernelModules.Module("ata_piix", "kernel/drivers/ata/ata_piix.ko", new byte[] {2}));
        GuestAssetBuilder.busyboxInitramfs(new byte[] {0}, "6.1.0-test", modules).writeGzip(gz);
        Map<String, byte[]> contents = new LinkedHashMap<>();
        Map<String, CpioArchiveEntry> e = read(gz, contents);
        assertTrue(e.get("lib/modules/6.1.0-test/kernel/drivers/ata").isDirectory());
        assertArrayEquals(new byte[] {2}, contents.get("lib/modules/6.1.0-test/kernel/drivers/ata/ata_piix.ko"));
        assertEquals("kernel/drivers/ata/libata.ko\nkernel/drivers/ata/ata_piix.ko\n",
                new String(contents.get("etc/modules"), StandardCharsets.UTF_8));
        List<String> names = List.copyOf(e.keySet());
        assertTrue(names.indexOf("lib/modules") < names.indexOf("lib/modules/6.1.0-test/kernel/drivers/ata"),
                "directories come before what they hold");
        assertTrue(new String(contents.get("init"), StandardCharsets.UTF_8).contains("insmod"));
    }

    @Test
    void sameInputsGiveTheSameBytes() throws Exception {
        Path a = dir.resolve("a.gz");
        Path b = dir.resolve("b.gz");
        GuestAssetBuilder.busyboxInitramfs(new byte[] {1, 2, 3}, "6.1.0-test", List.of()).writeGzip(a);
        Thread.sleep(1100);
        GuestAssetBuilder.busyboxInitramfs(new byte[] {1, 2, 3}, "6.1.0-test", List.of()).writeGzip(b);
        assertArrayEquals(Files.readAllBytes(a), Files.readAllBytes(b));
    }
}
