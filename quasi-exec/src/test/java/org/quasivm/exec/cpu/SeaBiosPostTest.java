package org.quasivm.exec.cpu;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.quasivm.exec.Exit;
import org.quasivm.exec.InterruptSource;
import org.quasivm.exec.Platform;
import org.quasivm.exec.PortIo;
import org.quasivm.exec.memory.GuestMemory;
import org.quasivm.exec.memory.MemoryRegion;
import org.quasivm.exec.memory.PhysicalMemory;

/**
 * Real firmware on the software CPU: Debian's SeaBIOS (package seabios) runs its power-on self test from the reset
 * vector — 16-bit entry, switch to 32-bit flat mode, relocation of its init code, PCI enumeration, BIOS tables,
 * back and forth through 16-bit mode — up to the boot menu prompt, printing to the debug console at port 402h. The
 * "board" is only what SeaBIOS needs to get there: RAM with the BIOS shadowed at E0000h, CMOS memory size, and a
 * PCI configuration space with an i440FX host bridge and a PIIX3 ISA bridge. Interrupts never arrive, so POST ends
 * in HLT waiting for the boot-menu timer.
 */
class SeaBiosPostTest {
    private static final Path BIOS = Path.of("/usr/share/seabios/bios-256k.bin");
    private static final int DEBUG_PORT = 0x402;

    private final StringBuilder console = new StringBuilder();
    private int cmosIndex;
    private int pciAddress;
    private final byte[] hostBridge = pciFunction(0x1237, 0x06, 0x00, 0);
    private final byte[] isaBridge = pciFunction(0x7000, 0x06, 0x01, 0x80);

    private static byte[] pciFunction(int device, int baseClass, int subClass, int headerType) {
        byte[] c = new byte[256];
        c[0] = (byte) 0x86;
        c[1] = (byte) 0x80;
        c[2] = (byte) device;
        c[3] = (byte) (device >>> 8);
        c[0x0A] = (byte) subClass;
        c[0x0B] = (byte) baseClass;
        c[0x0E] = (byte) headerType;
        return c;
    }

    private byte[] selectedFunction() {
        if ((pciAddress & 0x80000000) == 0 || ((pciAddress >>> 16) & 0xFF) != 0 || ((pciAddress >>> 8) & 7) != 0) {
            return null;
        }
        int device = (pciAddress >>> 11) & 0x1F;
        return device == 0 ? hostBridge : device == 1 ? isaBridge : null;
    }

    private int in(int port, int size) {
        if (port == DEBUG_PORT) {
            return 0xE9;
        }
        if (port == 0x71) {
            // CMOS 34h/35h: RAM above 16 MiB in 64 KiB units (32 MiB total).
            return switch (cmosIndex & 0x7F) {
                case 0x34 -> 0x00;
                case 0x35 -> 0x01;
                case 0x31 -> 0x3C;
                default -> 0;
            };
        }
        if (port == 0xCF8 && size == 4) {
            return pciAddress;
        }
        if (port >= 0xCFC && port < 0xD00) {
            byte[] f = selectedFunction();
            if (f != null) {
                int off = (pciAddress & 0xFC) + (port - 0xCFC);
                int v = 0;
                for (int i = 0; i < size; i++) {
                    v |= (f[(off + i) & 0xFF] & 0xFF) << (8 * i);
                }
                return v;
            }
        }
        return size == 4 ? -1 : (1 << (8 * size)) - 1;
    }

    private void out(int port, int size, int value) {
        if (port == DEBUG_PORT) {
            console.append((char) (value & 0xFF));
        } else if (port == 0x70) {
            cmosIndex = value;
        } else if (port == 0xCF8 && size == 4) {
            pciAddress = value;
        } else if (port >= 0xCFC && port < 0xD00) {
            byte[] f = selectedFunction();
            int off = (pciAddress & 0xFC) + (port - 0xCFC);
            for (int i = 0; f != null && i < size; i++) {
                if (((off + i) & 0xFF) >= 0x40) {
                    f[(off + i) & 0xFF] = (byte) (value >>> (8 * i));
                }
            }
        }
    }

    @Test
    void seaBiosPostReachesTheBootMenuPrompt() throws IOException {
        assertTrue(Files.isRegularFile(BIOS), BIOS + " missing: install the Debian package seabios");
        byte[] bios = Files.readAllBytes(BIOS);
        ByteBuffer upper = GuestMemory.allocate(0x40000);
        upper.put(0x20000, bios, bios.length - 0x20000, 0x20000);
        ByteBuffer rom = GuestMemory.allocate(bios.length);
        rom.put(0, bios);
        List<MemoryRegion> regions = List.of(
                new MemoryRegion("ram-low", 0, GuestMemory.allocate(0xA0000), false),
                new MemoryRegion("shadow", 0xC0000, upper, false),
                new MemoryRegion("ram-high", 0x100000, GuestMemory.allocate(31 << 20), false),
                new MemoryRegion("bios", 0x100000000L - bios.length, rom, true));
        PhysicalMemory memory = new PhysicalMemory() {
            @Override
            public List<MemoryRegion> regions() {
                return regions;
            }

            @Override
            public long read(long address, int size) {
                return size == 8 ? -1L : (1L << (8 * size)) - 1;
            }

            @Override
            public void write(long address, int size, long value) {
            }
        };
        PortIo ports = new PortIo() {
            @Override
            public int in(int port, int size) {
                return SeaBiosPostTest.this.in(port, size);
            }

            @Override
            public void out(int port, int size, int value) {
                SeaBiosPostTest.this.out(port, size, value);
            }
        };
        InterruptSource none = new InterruptSource() {
            @Override
            public boolean hasInterrupt() {
                return false;
            }

            @Override
            public int acknowledge() {
                throw new IllegalStateException("no interrupt controller");
            }
        };
        long[] tsc = {0};
        SoftwareExecutor cpu = new SoftwareExecutor(new Platform(memory, ports, none, () -> tsc[0]));
        Exit last = null;
        for (int slice = 0; slice < 500; slice++) {
            tsc[0] += 1_000_000;
            last = cpu.run(100_000);
            if (!(last instanceof Exit.BudgetExhausted)) {
                break;
            }
        }
        Exit exit = last;
        assertInstanceOf(Exit.Halted.class, exit, () -> "POST did not end in HLT: " + exit + "\n" + console);
        String log = console.toString();
        assertTrue(log.contains("SeaBIOS (version"), log);
        assertTrue(log.contains("Relocating init from"), log);
        assertTrue(log.contains("PCI: init bdf=00:01.0 id=8086:7000"), log);
        assertTrue(log.contains("Press ESC for boot menu."), log);
    }
}
