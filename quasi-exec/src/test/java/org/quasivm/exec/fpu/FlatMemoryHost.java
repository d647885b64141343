package org.quasivm.exec.fpu;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** An {@link X87Host} over a little flat memory, recording what the x87 reports back to the CPU. */
final class FlatMemoryHost implements X87Host {

    /** Thrown for accesses outside the memory, standing in for the CPU's page fault. */
    static final class Fault extends RuntimeException {
        Fault(long address) {
            super("fault at " + Long.toHexString(address));
        }
    }

    final ByteBuffer memory;
    int ax = -1;
    boolean zf;
    boolean pf;
    boolean cf;
    boolean protectedMode = true;
    boolean operandSize32 = true;
    int codeSelector = 0x08;
    long instructionPointer = 0x1000;

    FlatMemoryHost(int size) {
        memory = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
    }

    private int at(long address, int length) {
        if (address < 0 || address + length > memory.capacity()) {
            throw new Fault(address);
        }
        return (int) address;
    }

    @Override
    public int read8(long address) {
        return memory.get(at(address, 1)) & 0xFF;
    }

    @Override
    public int read16(long address) {
        return memory.getShort(at(address, 2)) & 0xFFFF;
    }

    @Override
    public int read32(long address) {
        return memory.getInt(at(address, 4));
    }

    @Override
    public long read64(long address) {
        return memory.getLong(at(address, 8));
    }

    @Override
    public void write8(long address, int value) {
        memory.put(at(address, 1), (byte) value);
    }

    @Override
    public void write16(long address, int value) {
        memory.putShort(at(address, 2), (short) value);
    }

    @Override
    public void write32(long address, int value) {
        memory.putInt(at(address, 4), value);
    }

    @Override
    public void write64(long address, long value) {
        memory.putLong(at(address, 8), value);
    }

    @Override
    public void checkWritable(long address, int length) {
        at(address, length);
    }

    @Override
    public void setAx(int value) {
        ax = value;
    }

    @Override
    public boolean condition(int fcmovCondition) {
        return switch (fcmovCondition) {
            case 0 -> cf;
            case 1 -> zf;
            case 2 -> cf || zf;
            case 3 -> pf;
            default -> throw new IllegalArgumentException("FCMOV condition " + fcmovCondition);
        };
    }

    @Override
    public void setComparisonFlags(boolean zf, boolean pf, boolean cf) {
        this.zf = zf;
        this.pf = pf;
        this.cf = cf;
    }

    @Override
    public boolean protectedMode() {
        return protectedMode;
    }

    @Override
    public boolean operandSize32() {
        return operandSize32;
    }

    @Override
    public int codeSelector() {
        return codeSelector;
    }

    @Override
    public long instructionPointer() {
        return instructionPointer;
    }
}
