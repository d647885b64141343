package org.quasivm.disk;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quasivm.disk.testing.DeviceBytes;
import org.quasivm.disk.testing.SpecImages;

/**
 * Images qemu-img cannot make, built byte by byte from the published specifications in test code: VHD and
 * VDI differencing chains, VMFS and multi-type VMDK descriptors.
 */
class SpecFixturesTest {
    private static final int MIB = 1 << 20;

    @TempDir
    Path dir;

    private static byte[] uuid(int seed) {
        return SpecImages.pattern(16, seed);
    }

    private static byte[] utf16le(String s) {
        return s.getBytes(StandardCharsets.UTF_16LE);
    }

    private static byte[] bitmapWith(int... sectorRanges) {
        byte[] b = new byte[512];
        for (int i = 0; i < sectorRanges.length; i += 2) {
            for (int s = sectorRanges[i]; s < sectorRanges[i + 1]; s++) {
                b[s / 8] |= (byte) (0x80 >>> (s % 8));
            }
        }
        return b;
    }

    private static byte[] full() {
        byte[] b = new byte[512];
        Arrays.fill(b, (byte) 0xff);
        return b;
    }

    /** Parent: block 0 = P, block 1 unallocated. Child: block 0 sectors 0-7 and 16-23 = Q, block 1 sector 100 = R. */
    private byte[] buildVhdChain(Path parent, Path child, List<SpecImages.Locator> locators) throws Exception {
        long size = 4L * MIB;
        byte[] parentUuid = uuid(1);
        byte[] p = SpecImages.pattern(2 * MIB, 10);
        SpecImages.writeVhd(parent, size, parentUuid, null, "", List.of(), new byte[][] {p, null},
                new byte[][] {full(), null});
        byte[] q = SpecImages.pattern(2 * MIB, 11);
        byte[] r = SpecImages.pattern(2 * MIB, 12);
        SpecImages.writeVhd(child, size, uuid(2), parentUuid, parent.getFileName().toString(), locators,
                new byte[][] {q, r}, new byte[][] {bitmapWith(0, 8, 16, 24), bitmapWith(100, 101)});
        byte[] expected = new byte[(int) size];
        System.arraycopy(p, 0, expected, 0, 2 * MIB);
        System.arraycopy(q, 0, expected, 0, 8 * 512);
        System.arraycopy(q, 16 * 512, expected, 16 * 512, 8 * 512);
        System.arraycopy(r, 100 * 512, expected, 2 * MIB + 100 * 512, 512);
        return expected;
    }

    @Test
    void vhdDifferencingChildMergesItsSectorBitmapWithTheParent() throws Exception {
        Path parent = dir.resolve("parent.vhd");
        Path child = dir.resolve("child.vhd");
        byte[] expected = buildVhdChain(parent, child, List.of(
                new SpecImages.Locator("W2ru", utf16le(".\\parent.vhd")),
                new SpecImages.Locator("W2ku", utf16le("C:\\VMs\\parent.vhd"))));
        try (DiskImage d = DiskImages.open(child)) {
            assertEquals("differencing", d.subformat());
            assertEquals(".\\parent.vhd", d.parentLink().reference());
            assertArrayEquals(expected, DeviceBytes.readAll(d));
        }
    }

    @Test
    void vhdParentIsFoundFromAnAbsoluteWindowsLocatorNextToTheChild() throws Exception {
        Path parent = dir.resolve("parent.vhd");
        Path child = dir.resolve("child.vhd");
        byte[] expected = buildVhdChain(parent, child, List.of(
                new SpecImages.Locator("W2ku", utf16le("D:\\Hyper-V\\Disks\\parent.vhd"))));
        try (DiskImage d = DiskImages.open(child)) {
            assertArrayEquals(expected, DeviceBytes.readAll(d));
        }
    }

    @Test
    void vhdParentIsFoundFromAWindowsRelativeLocatorInAnotherFolder() throws Exception {
        Path base = Files.createDirectories(dir.resolve("base"));
        Path snaps = Files.createDirectories(dir.resolve("snaps"));
        byte[] expected = buildVhdChain(base.resolve("parent.vhd"), snaps.resolve("child.vhd"), List.of(
                new SpecImages.Locator("W2ru", utf16le("..\\base\\parent.vhd"))));
        try (DiskImage d = DiskImages.open(snaps.resolve("child.vhd"))) {
            assertArrayEquals(expected, DeviceBytes.readAll(d));
        }
    }

    @Test
    void vhdChildWhoseParentUuidDiffersIsRefused() throws Exception {
        Path parent = dir.resolve("parent.vhd");
        Path child = dir.resolve("child.vhd");
        buildVhdChain(parent, child, List.of(new SpecImages.Locator("W2ru", utf16le(".\\parent.vhd"))));
        SpecImages.writeVhd(parent, 4L * MIB, uuid(99), null, "", List.of(), new byte[][] {null, null},
                new byte[][] {null, null});
        DiskImageException e = assertThrows(DiskImageException.class, () -> DiskImages.open(child));
        assertTrue(e.getMessage().startsWith("child.vhd: parent parent.vhd is not the disk this child was made from"),
                e.getMessage());
    }

    @Test
    void vdiDifferencingChildFindsItsParentByUuidAndFallsThrough() throws Exception {
        byte[] parentUuid = uuid(5);
        byte[] a = SpecImages.pattern(MIB, 20);
        byte[] c = SpecImages.pattern(MIB, 21);
        SpecImages.writeVdi(dir.resolve("Base disk.vdi"), 1, 3L * MIB, parentUuid, uuid(6), new byte[16],
                new byte[16], new byte[][] {a, null, c});
        byte[] b2 = SpecImages.pattern(MIB, 22);
        byte[] c2 = SpecImages.pattern(MIB, 23);
        SpecImages.writeVdi(dir.resolve("{0b6bb2f8-child}.vdi"), 4, 3L * MIB, uuid(7), uuid(8), parentUuid, uuid(6),
                new byte[][] {null, b2, c2});
        byte[] expected = new byte[3 * MIB];
        System.arraycopy(a, 0, expected, 0, MIB);
        System.arraycopy(b2, 0, expected, MIB, MIB);
        System.arraycopy(c2, 0, expected, 2 * MIB, MIB);
        try (DiskImage d = DiskImages.open(dir.resolve("{0b6bb2f8-child}.vdi"))) {
            assertEquals("differencing", d.subformat());
            assertEquals("Base disk.vdi", d.backing().path().getFileName().toString());
            assertArrayEquals(expected, DeviceBytes.readAll(d));
        }
    }

    @Test
    void vdiDifferencingChildWithoutItsParentNamesTheMissingUuid() throws Exception {
        SpecImages.writeVdi(dir.resolve("child.vdi"), 4, 2L * MIB, uuid(7), uuid(8), uuid(5), new byte[16],
                new byte[][] {null, null});
        DiskImageException e = assertThrows(DiskImageException.class, () -> DiskImages.open(dir.resolve("child.vdi")));
        assertTrue(e.getMessage().startsWith("child.vdi: parent \"{"), e.getMessage());
        assertTrue(e.getMessage().contains("not found"), e.getMessage());
    }

    @Test
    void vmfsFlatDescriptorReadsItsExtent() throws Exception {
        byte[] data = SpecImages.pattern(4 * MIB, 30);
        Files.write(dir.resolve("esx-flat.vmdk"), data);
        Files.writeString(dir.resolve("esx.vmdk"), """
                # Disk DescriptorFile
                version=1
                encoding="UTF-8"
                CID=7a3f1c2e
                parentCID=ffffffff
                isNativeSnapshot="no"
                createType="vmfs"

                # Extent description
                RW 8192 VMFS "esx-flat.vmdk"

                # The Disk Data Base
                #DDB

                ddb.adapterType = "lsilogic"
                ddb.geometry.cylinders = "4"
                ddb.geometry.heads = "255"
                ddb.geometry.sectors = "63"
                ddb.longContentID = "6d1f3a0c9e2b4f8a0000000000000000"
                ddb.uuid = "60 00 C2 9b 5e 1f 3a 0c-9e 2b 4f 8a 7c 61 d4 22"
                ddb.virtualHWVersion = "13"
                """);
        try (DiskImage d = DiskImages.open(dir.resolve("esx.vmdk"))) {
            assertEquals("vmfs", d.subformat());
            assertArrayEquals(data, DeviceBytes.readAll(d));
        }
    }

    @Test
    void descriptorMixingFlatOffsetsZeroAndReadOnlyExtentsReadsEachInTurn() throws Exception {
        byte[] data = SpecImages.pattern(2 * MIB, 31);
        Files.write(dir.resolve("data.bin"), data);
        Files.writeString(dir.resolve("custom.vmdk"), """
                # Disk DescriptorFile
                version=1
                CID=fffffffe
                parentCID=ffffffff
                createType="custom"

                RW 2048 FLAT "data.bin" 100
                RW 2048 ZERO
                RDONLY 1024 FLAT "data.bin" 0
                """);
        byte[] expected = new byte[5 * 1024 * 512];
        System.arraycopy(data, 100 * 512, expected, 0, 2048 * 512);
        System.arraycopy(data, 0, expected, 4096 * 512, 1024 * 512);
        try (DiskImage d = DiskImages.open(dir.resolve("custom.vmdk"))) {
            assertArrayEquals(expected, DeviceBytes.readAll(d));
        }
        DiskImageException e = assertThrows(DiskImageException.class,
                () -> DiskImages.open(dir.resolve("custom.vmdk"), OpenOptions.readWrite()));
        assertTrue(e.getMessage().contains("read-only"), e.getMessage());
    }

    @Test
    void extentOutsideTheDescriptorsFolderIsRefused() throws Exception {
        Files.writeString(dir.resolve("evil.vmdk"), """
                # Disk DescriptorFile
                version=1
                CID=fffffffe
                parentCID=ffffffff
                createType="monolithicFlat"
                RW 8 FLAT "../../../etc/passwd" 0
                """);
        DiskImageException e = assertThrows(DiskImageException.class, () -> DiskImages.open(dir.resolve("evil.vmdk")));
        assertTrue(e.getMessage().startsWith("evil.vmdk: extent file \"../../../etc/passwd\" lies outside"),
                e.getMessage());
    }
}
