package org.quasivm.vmm.devices.vga;

import java.nio.ByteBuffer;

/**
 * CPU access to the VGA's four planes through the graphics controller's latches, as the IBM VGA does it: the CPU
 * address selects a plane offset (chain-4 and odd/even take plane bits from the address and replace them with
 * higher address bits), a read loads all four latches, and a write combines the CPU byte, set/reset, the latches
 * and the bit mask per the write mode before the map mask decides which planes take it.
 *
 * <p>Video memory holds the planes interleaved, plane {@code p} of offset {@code o} at byte {@code 4 * o + p}, so a
 * latch load or a four-plane store is one 32-bit access. The first 256 KiB are the standard VGA's planes; the Bochs
 * VBE's 4-bit modes use the rest of the memory as longer planes.
 */
final class PlanarMemory {

    /** Bytes 0x00 or 0xFF in the lanes of the planes set in a 4-bit mask. */
    private static final int[] PLANE_LANES = new int[16];

    static {
        for (int m = 0; m < 16; m++) {
            int v = 0;
            for (int p = 0; p < 4; p++) {
                if ((m & 1 << p) != 0) {
                    v |= 0xFF << (8 * p);
                }
            }
            PLANE_LANES[m] = v;
        }
    }

    private final ByteBuffer vram;
    private final Sequencer sequencer;
    private final GraphicsController graphics;
    private int latch;

    PlanarMemory(ByteBuffer vram, Sequencer sequencer, GraphicsController graphics, int latch) {
        this.vram = vram;
        this.sequencer = sequencer;
        this.graphics = graphics;
        this.latch = latch;
    }

    int latch() {
        return latch;
    }

    void setLatch(int latch) {
        this.latch = latch;
    }

    /**
     * A CPU read at {@code address} (bytes from the start of the decoded window). Plane offsets wrap at
     * {@code planeMask + 1} for the VGA's 64 KiB planes; {@code planeLimit} bounds the Bochs VBE's longer ones.
     */
    int read(int address, int planeMask, int planeLimit) {
        int plane;
        int offset;
        if (sequencer.chain4()) {
            plane = address & 3;
            offset = chain4Offset(address);
        } else if (graphics.hostOddEven()) {
            plane = (graphics.readMapSelect() & 2) | (address & 1);
            offset = graphics.chainOddEven() ? chainOddEvenOffset(address) : address;
        } else {
            plane = graphics.readMapSelect();
            offset = address;
        }
        offset &= planeMask;
        if (offset >= planeLimit) {
            return 0xFF;
        }
        latch = vram.getInt(offset << 2);
        if (!graphics.readMode1()) {
            return (latch >>> (8 * plane)) & 0xFF;
        }
        // Read mode 1: a bit is set where every plane that matters matches the colour compare register.
        int care = PLANE_LANES[graphics.colorDontCare()];
        int differs = (latch ^ PLANE_LANES[graphics.colorCompare()]) & care;
        differs |= differs >>> 16;
        differs |= differs >>> 8;
        return ~differs & 0xFF;
    }

    /** A CPU write of {@code value} at {@code address}; see {@link #read} for the bounds. */
    void write(int address, int value, int planeMask, int planeLimit) {
        int planes = sequencer.mapMask();
        int offset;
        if (sequencer.chain4()) {
            planes &= 1 << (address & 3);
            offset = chain4Offset(address);
        } else {
            if (sequencer.oddEvenWrites()) {
                planes &= (address & 1) != 0 ? 0x0A : 0x05;
            }
            offset = graphics.chainOddEven() ? chainOddEvenOffset(address) : address;
        }
        offset &= planeMask;
        if (planes == 0 || offset >= planeLimit) {
            return;
        }
        int data;
        int bitMask;
        switch (graphics.writeMode()) {
            case 0 -> {
                data = rotate(value) * 0x0101_0101;
                int enabled = PLANE_LANES[graphics.enableSetReset()];
                data = (data & ~enabled) | (PLANE_LANES[graphics.setReset()] & enabled);
                bitMask = graphics.bitMask();
            }
            case 1 -> {
                store(offset, planes, latch);
                return;
            }
            case 2 -> {
                data = PLANE_LANES[value & 0x0F];
                bitMask = graphics.bitMask();
            }
            default -> {
                bitMask = graphics.bitMask() & rotate(value);
                data = PLANE_LANES[graphics.setReset()];
            }
        }
        switch (graphics.logicalFunction()) {
            case 1 -> data &= latch;
            case 2 -> data |= latch;
            case 3 -> data ^= latch;
            default -> { }
        }
        int mask = bitMask * 0x0101_0101;
        store(offset, planes, (data & mask) | (latch & ~mask));
    }

    /**
     * Chain-4: address bits 0-1 pick the plane and are replaced by bits 14-15, the counterpart of the CRTC's
     * doubleword addressing (which rotates MA12-13 into bits 0-1), so 64 KiB of CPU addresses cover 16 KiB of
     * each plane spread over its whole 64 KiB.
     */
    private static int chain4Offset(int address) {
        return (address & ~3) | ((address >> 14) & 3);
    }

    /** Chain odd/even: bit 0 picks the plane and is replaced by bit 16 (the CRTC's word mode with MA15 wrap). */
    private static int chainOddEvenOffset(int address) {
        return (address & ~1) | ((address >> 16) & 1);
    }

    private int rotate(int value) {
        int n = graphics.rotateCount();
        value &= 0xFF;
        return ((value >>> n) | (value << (8 - n))) & 0xFF;
    }

    private void store(int offset, int planes, int data) {
        int lanes = PLANE_LANES[planes];
        int at = offset << 2;
        vram.putInt(at, (vram.getInt(at) & ~lanes) | (data & lanes));
    }
}
