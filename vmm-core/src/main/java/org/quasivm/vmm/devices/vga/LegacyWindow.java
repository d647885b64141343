package org.quasivm.vmm.devices.vga;

import java.nio.ByteBuffer;

import org.quasivm.vmm.bus.BusDevice;

/**
 * The VGA's legacy memory window, 128 KiB at A0000h (offsets relative to A0000h), as an MMIO device. The graphics
 * controller's memory map decides which part decodes (A0000-BFFFF, A0000-AFFFF, B0000-B7FFF or B8000-BFFFF); the
 * rest reads as all ones and ignores writes, as does everything while the misc output's RAM enable bit is clear.
 *
 * <p>While the Bochs VBE is enabled the 64 KiB at A0000h is a bank of the linear framebuffer (or, at 4 bits per
 * pixel, of its planes), chosen by the DISPI bank register.
 */
final class LegacyWindow implements BusDevice {

    static final int SIZE = 0x2_0000;
    private static final int VGA_PLANE_MASK = 0xFFFF;
    private static final int VGA_PLANE_SIZE = 0x1_0000;

    private final Vga vga;
    private final ByteBuffer vram;
    private final PlanarMemory planes;
    private final BochsDispi dispi;
    private final GraphicsController graphics;

    LegacyWindow(Vga vga, ByteBuffer vram, PlanarMemory planes, BochsDispi dispi, GraphicsController graphics) {
        this.vga = vga;
        this.vram = vram;
        this.planes = planes;
        this.dispi = dispi;
        this.graphics = graphics;
    }

    @Override
    public int read(int offset, int size) {
        int n = size == 2 || size == 4 ? size : 1;
        int value = 0;
        for (int i = 0; i < n; i++) {
            value |= readByte(offset + i) << (8 * i);
        }
        return value;
    }

    @Override
    public void write(int offset, int size, int value) {
        int n = size == 2 || size == 4 ? size : 1;
        for (int i = 0; i < n; i++) {
            writeByte(offset + i, value >>> (8 * i));
        }
    }

    int readByte(int offset) {
        int address = decode(offset);
        if (address < 0) {
            return 0xFF;
        }
        if (!dispi.enabled()) {
            return planes.read(address, VGA_PLANE_MASK, VGA_PLANE_SIZE);
        }
        long banked = (long) dispi.bankOffset() + address;
        if (dispi.bpp() == 4) {
            return banked < vram.capacity() / 4 ? planes.read((int) banked, -1, vram.capacity() / 4) : 0xFF;
        }
        return banked < vram.capacity() ? vram.get((int) banked) & 0xFF : 0xFF;
    }

    void writeByte(int offset, int value) {
        int address = decode(offset);
        if (address < 0) {
            return;
        }
        if (!dispi.enabled()) {
            planes.write(address, value, VGA_PLANE_MASK, VGA_PLANE_SIZE);
            return;
        }
        long banked = (long) dispi.bankOffset() + address;
        if (dispi.bpp() == 4) {
            if (banked < vram.capacity() / 4) {
                planes.write((int) banked, value, -1, vram.capacity() / 4);
            }
        } else if (banked < vram.capacity()) {
            vram.put((int) banked, (byte) value);
        }
    }

    /** The address within the decoded part of the window, or -1 where nothing answers. */
    private int decode(int offset) {
        if (offset < 0 || offset >= SIZE || !vga.memoryEnabled()) {
            return -1;
        }
        return switch (graphics.memoryMap()) {
            case 0 -> offset;
            case 1 -> offset < 0x1_0000 ? offset : -1;
            case 2 -> offset >= 0x1_0000 && offset < 0x1_8000 ? offset - 0x1_0000 : -1;
            default -> offset >= 0x1_8000 ? offset - 0x1_8000 : -1;
        };
    }
}
