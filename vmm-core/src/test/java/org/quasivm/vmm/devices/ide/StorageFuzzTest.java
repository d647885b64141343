package org.quasivm.vmm.devices.ide;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.quasivm.disk.ImageFormat;
import org.quasivm.vmm.devices.dma.IsaDma;
import org.quasivm.vmm.devices.floppy.FloppyGeometry;
import org.quasivm.vmm.devices.floppy.FloppyPlug;
import org.quasivm.vmm.devices.pci.PciFunction;
import org.quasivm.vmm.testing.ObservedBlockDevice;
import org.quasivm.vmm.testing.TestBoardWiring;
import org.quasivm.vmm.testing.TestImages;

/**
 * Guest-facing fuzzing of the storage devices: random accesses to every IDE, bus-master, floppy and DMA register,
 * biased towards real command codes, with random PRD tables, ATAPI packets and floppy commands placed in guest
 * memory and the FIFOs. Nothing may throw; every image access must stay inside its disk ({@link
 * ObservedBlockDevice} fails the test otherwise); the read-only disk and the ISO must come out byte-identical and
 * the writable images keep their sizes, and the write paths must have been reached. Four seeds, 250 000 steps
 * each (a step is one access or a short command sequence).
 */
class StorageFuzzTest {

    private static final int ACCESSES = 250_000;
    private static final int[] ATA_COMMANDS = {0x00, 0x08, 0x10, 0x20, 0x21, 0x24, 0x25, 0x29, 0x30, 0x34, 0x35,
        0x39, 0x40, 0x42, 0x90, 0x91, 0xA0, 0xA1, 0xC4, 0xC5, 0xC6, 0xC8, 0xCA, 0xE0, 0xE5, 0xE7, 0xEA, 0xEC, 0xEF};
    private static final int[] MMC_COMMANDS = {0x00, 0x03, 0x12, 0x1B, 0x1E, 0x25, 0x28, 0x43, 0x46, 0x4A, 0x5A,
        0xA8, 0xBB, 0xBE, 0x51};
    private static final int[] FDC_COMMANDS = {0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x0A, 0x0D, 0x0E, 0x0F, 0x10,
        0x12, 0x13, 0x14, 0x94, 0xC5, 0xE6, 0x46, 0x4A, 0x4D, 0x18};

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4})
    void randomRegisterTrafficNeverEscapesTheDevicesOrTheImages(long seed) throws Exception {
        Path disk = TestImages.patternedRaw(dir, "disk.raw", 1 << 20);
        Path roDisk = TestImages.patternedRaw(dir, "ro.raw", 256 << 10);
        Path iso = TestImages.patternedRaw(dir, "cd.iso", 512 << 10);
        Path floppy = TestImages.patternedRaw(dir, "a.img", FloppyGeometry.HD_1440K.bytes());
        byte[] roBefore = Files.readAllBytes(roDisk);
        byte[] isoBefore = Files.readAllBytes(iso);

        TestBoardWiring board = new TestBoardWiring(32L << 20);
        IsaDma dma = new IsaDma();
        dma.plugInto(board);
        ObservedBlockDevice floppyImage = new ObservedBlockDevice(TestImages.openWritable(floppy, ImageFormat.RAW));
        ObservedBlockDevice diskImage = new ObservedBlockDevice(TestImages.openWritable(disk, ImageFormat.RAW));
        new FloppyPlug(dma).image(0, floppyImage, false).plugInto(board);
        IdePlug ide = new IdePlug()
                .disk(IdePosition.PRIMARY_MASTER, diskImage, false)
                .disk(IdePosition.PRIMARY_SLAVE, new ObservedBlockDevice(
                        TestImages.openReadOnly(roDisk, ImageFormat.RAW)), true)
                .cdrom(IdePosition.SECONDARY_MASTER, new ObservedBlockDevice(
                        TestImages.openReadOnly(iso, ImageFormat.RAW)));
        ide.plugInto(board);
        board.pci.writeConfig(1, 1, PciFunction.BAR0 + 16, 4, 0xC000);
        board.pci.writeConfig(1, 1, PciFunction.COMMAND, 2, 5);

        Random r = new Random(seed);
        for (int i = 0; i < ACCESSES; i++) {
            step(board, r);
        }
        board.close();

        assertTrue(diskImage.writes > 0 && floppyImage.writes > 0, "the fuzzing reached the write paths: disk "
                + diskImage.writes + ", floppy " + floppyImage.writes);
        assertArrayEquals(roBefore, Files.readAllBytes(roDisk));
        assertArrayEquals(isoBefore, Files.readAllBytes(iso));
        assertEquals(1 << 20, Files.size(disk));
        assertEquals(FloppyGeometry.HD_1440K.bytes(), Files.size(floppy));
        try (var files = Files.list(dir)) {
            assertEquals(4, files.count(), "no file appeared beside the images");
        }
    }

    private static void step(TestBoardWiring board, Random r) {
        int kind = r.nextInt(100);
        if (kind < 5) {
            randomPrdTable(board, r);
        } else if (kind < 15) {
            ataCommand(board, r);
        } else if (kind < 20) {
            atapiPacket(board, r);
        } else if (kind < 25) {
            floppyCommand(board, r);
        } else if (kind < 27) {
            board.outb(0xC000 + 8 * r.nextInt(2), r.nextInt(256));
        } else if (kind < 28) {
            board.outb(r.nextBoolean() ? 0x3F6 : 0x376, r.nextInt(256));
        } else if (kind < 29) {
            board.pci.writeConfig(1, 1, r.nextInt(256), 1 << r.nextInt(3), r.nextInt());
        } else if (kind < 30 && r.nextInt(50) == 0) {
            board.reset();
            board.pci.writeConfig(1, 1, PciFunction.BAR0 + 16, 4, 0xC000);
            board.pci.writeConfig(1, 1, PciFunction.COMMAND, 2, 5);
        } else {
            int port = randomPort(r);
            int size = 1 << r.nextInt(3);
            if (r.nextBoolean()) {
                board.in(port, size);
            } else {
                board.out(port, size, r.nextInt());
            }
        }
    }

    /** A task file that is often plausible (small LBAs, counts, LBA mode), a command, then data or DMA. */
    private static void ataCommand(TestBoardWiring board, Random r) {
        int base = r.nextBoolean() ? 0x1F0 : 0x170;
        boolean plausible = r.nextInt(4) != 0;
        board.outb(base + 2, plausible ? r.nextInt(4) : r.nextInt(256));
        board.outb(base + 3, r.nextInt(256));
        board.outb(base + 4, plausible ? r.nextInt(8) : r.nextInt(256));
        board.outb(base + 5, plausible ? 0 : r.nextInt(256));
        board.outb(base + 6, (plausible ? 0xE0 : 0xA0 | r.nextInt(0x60)) | (r.nextInt(8) == 0 ? 0x10 : 0));
        board.outb(base + 1, plausible ? r.nextInt(4) : r.nextInt(256));
        board.outb(base + 7, ATA_COMMANDS[r.nextInt(ATA_COMMANDS.length)]);
        int words = r.nextInt(4) == 0 ? r.nextInt(1200) : 0;
        boolean write = r.nextBoolean();
        for (int k = 0; k < words; k++) {
            if (write) {
                board.out(base, 2, r.nextInt());
            } else {
                board.in(base, 2);
            }
        }
        if (r.nextInt(3) == 0) {
            int bm = 0xC000 + (base == 0x1F0 ? 0 : 8);
            board.outb(bm, 0);
            board.outb(bm, 1 | (r.nextBoolean() ? 8 : 0));
        }
    }

    /** Drive A out of reset, channel 2 programmed, and a command whose parameters are often valid. */
    private static void floppyCommand(TestBoardWiring board, Random r) {
        if (r.nextInt(3) == 0) {
            board.outb(0x3F2, r.nextInt(8) == 0 ? r.nextInt(256) : 0x1C);
            board.outb(0x0A, 0x06);
            board.outb(0x0C, 0);
            board.outb(0x0B, (r.nextBoolean() ? 0x44 : 0x48) | (r.nextInt(8) == 0 ? r.nextInt(256) & 0xF0 : 0) | 2);
            board.outb(0x04, r.nextInt(256));
            board.outb(0x04, r.nextInt(256));
            board.outb(0x81, r.nextInt(0x20));
            int count = r.nextInt(8) == 0 ? r.nextInt(0x10000) : 512 * (1 + r.nextInt(36)) - 1;
            board.outb(0x05, count);
            board.outb(0x05, count >> 8);
            board.outb(0x0A, r.nextInt(8) == 0 ? 0x06 : 0x02);
        }
        int op = FDC_COMMANDS[r.nextInt(FDC_COMMANDS.length)];
        board.outb(0x3F5, op);
        boolean plausible = r.nextInt(4) != 0;
        int[] args = {r.nextInt(2) << 2, r.nextInt(3), r.nextInt(2), 1 + r.nextInt(18), 2, 18, 0x1B, 0xFF};
        for (int k = 0; k < 9; k++) {
            int value = plausible && k < args.length ? args[k] : r.nextInt(256);
            if ((board.inb(0x3F4) & 0xC0) != 0x80) {
                break;
            }
            board.outb(0x3F5, value);
        }
        for (int k = 0; k < 12 && (board.inb(0x3F4) & 0xC0) == 0xC0; k++) {
            board.inb(0x3F5);
        }
    }

    private static int randomPort(Random r) {
        return switch (r.nextInt(9)) {
            case 0 -> 0x1F0 + r.nextInt(8);
            case 1 -> 0x170 + r.nextInt(8);
            case 2 -> r.nextBoolean() ? 0x3F6 : 0x376;
            case 3 -> 0xC000 + r.nextInt(16);
            case 4 -> 0x3F0 + r.nextInt(8);
            case 5 -> r.nextInt(16);
            case 6 -> 0xC0 + r.nextInt(32);
            case 7 -> 0x81 + r.nextInt(15);
            default -> r.nextBoolean() ? 0x1F0 : 0x170;   // the data ports, most used
        };
    }

    /** A table of random entries, some pointing past RAM or into the table itself, with or without an end. */
    private static void randomPrdTable(TestBoardWiring board, Random r) {
        long table = r.nextInt(1 << 25) & ~7L;
        int entries = 1 + r.nextInt(8);
        for (int e = 0; e < entries; e++) {
            long address = switch (r.nextInt(4)) {
                case 0 -> r.nextInt() & 0xFFFF_FFFFL;
                case 1 -> table;
                default -> r.nextInt(1 << 25);
            };
            long control = r.nextInt() & (r.nextBoolean() ? 0xFFFF : 0x8000_FFFFL);
            board.memory.write(table + 8L * e, 4, address);
            board.memory.write(table + 8L * e + 4, 4, control);
        }
        board.out(0xC000 + 8 * r.nextInt(2) + 4, 4, (int) table);
        for (int k = r.nextInt(3); k > 0; k--) {
            board.memory.writeBytes(r.nextInt(1 << 25), new byte[] {(byte) r.nextInt()});
        }
    }

    private static void atapiPacket(TestBoardWiring board, Random r) {
        board.outb(0x176, 0xA0);
        board.outb(0x171, r.nextInt(4));
        board.outb(0x174, r.nextInt(256));
        board.outb(0x175, r.nextInt(r.nextBoolean() ? 256 : 2));
        board.outb(0x177, 0xA0);
        int op = r.nextInt(4) == 0 ? r.nextInt(256) : MMC_COMMANDS[r.nextInt(MMC_COMMANDS.length)];
        board.out(0x170, 2, op | r.nextInt(256) << 8);
        for (int k = 0; k < 5; k++) {
            board.out(0x170, 2, r.nextInt(4) == 0 ? r.nextInt() : r.nextInt(0x40));
        }
        for (int k = r.nextInt(300); k > 0; k--) {
            board.in(0x170, 2);
        }
    }
}
