package org.quasivm.vmm.testing;

import org.quasivm.vmm.bus.BusDevice;

/** A plain register file: reads return what was written. Counts accesses. */
public final class ByteRegisters implements BusDevice {

    public final int[] bytes;
    public int reads;
    public int writes;
    public int lastSize;

    public ByteRegisters(int length) {
        bytes = new int[length];
    }

    @Override
    public int read(int offset, int size) {
        reads++;
        lastSize = size;
        int v = 0;
        for (int i = 0; i < size && offset + i < bytes.length; i++) {
            v |= bytes[offset + i] << (8 * i);
        }
        return v;
    }

    @Override
    public void write(int offset, int size, int value) {
        writes++;
        lastSize = size;
        for (int i = 0; i < size && offset + i < bytes.length; i++) {
            bytes[offset + i] = (value >>> (8 * i)) & 0xFF;
        }
    }
}
