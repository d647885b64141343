package org.quasivm.vmm.devices.vga;

import org.quasivm.vmm.bus.BusDevice;

/**
 * The standard VGA's 4 KiB MMIO BAR (QEMU's {@code docs/specs/standard-vga}), which lets a driver reach the
 * registers without port I/O: 400h-41Fh are the VGA ports 3C0h-3DFh (a 16-bit write sets index then data), 500h-515h
 * the DISPI registers flat at {@code index × 2}, 600h the size of the extension registers (8) and 604h the
 * framebuffer byte order (always little endian, 1E1E1E1Eh; a request for big endian is ignored). 000h-3FFh is
 * where QEMU puts an EDID block; there is none here, so it reads as zeros (as QEMU with {@code edid=off}).
 */
final class StdVgaMmio implements BusDevice {

    static final int SIZE = 0x1000;
    private static final int VGA_PORTS = 0x400;
    private static final int VGA_PORTS_END = 0x420;
    private static final int DISPI = 0x500;
    private static final int DISPI_END = DISPI + 2 * (BochsDispi.INDEX_VIDEO_MEMORY_64K + 1);
    private static final int QEXT_SIZE = 0x600;
    private static final int QEXT_BYTE_ORDER = 0x604;
    private static final int QEXT_END = 0x608;
    private static final int LITTLE_ENDIAN = 0x1E1E_1E1E;
    /** Offset of port 3C0h in {@link Vga#ioPorts()}. */
    private static final int PORT_3C0 = 0x10;

    private final Vga vga;

    StdVgaMmio(Vga vga) {
        this.vga = vga;
    }

    @Override
    public int read(int offset, int size) {
        int n = size == 2 || size == 4 ? size : 1;
        if (offset >= VGA_PORTS && offset + n <= VGA_PORTS_END) {
            return vga.ioPorts().read(PORT_3C0 + offset - VGA_PORTS, n);
        }
        if (offset >= DISPI && offset + n <= DISPI_END) {
            int value = 0;
            for (int i = 0; i < n; i++) {
                int at = offset + i - DISPI;
                value |= ((vga.dispi().read(at >> 1) >>> (8 * (at & 1))) & 0xFF) << (8 * i);
            }
            return value;
        }
        if (offset >= QEXT_SIZE && offset + n <= QEXT_END) {
            int register = offset < QEXT_BYTE_ORDER ? QEXT_END - QEXT_SIZE : LITTLE_ENDIAN;
            int value = register >>> (8 * (offset & 3));
            return n == 4 ? value : value & ((1 << (8 * n)) - 1);
        }
        return 0;
    }

    @Override
    public void write(int offset, int size, int value) {
        int n = size == 2 || size == 4 ? size : 1;
        if (offset >= VGA_PORTS && offset + n <= VGA_PORTS_END) {
            vga.ioPorts().write(PORT_3C0 + offset - VGA_PORTS, n, value);
        } else if (offset >= DISPI && offset + n <= DISPI_END && (offset & 1) == 0) {
            for (int i = 0; i < n; i += 2) {
                vga.dispi().write((offset + i - DISPI) >> 1, n == 1 ? value & 0xFF : (value >>> (8 * i)) & 0xFFFF);
            }
        }
        // EDID and the extension registers are read-only; a byte write to half a DISPI register is ignored
    }
}
