package org.quasivm.exec.cpu;

import org.quasivm.exec.fpu.X87Host;

/**
 * What the x87 unit sees of the integer CPU during one instruction: linear memory at the current privilege (segment
 * checks are done by the CPU before the x87 runs), AX for FNSTSW, EFLAGS for FCMOVcc/FCOMI, and the instruction's
 * mode, operand size and address for the FIP/FCS/environment images.
 */
final class X87Bridge implements X87Host {
    private final CpuMemory cpu;
    /** Operand size of the instruction being executed. */
    boolean operandSize32;

    X87Bridge(CpuMemory cpu) {
        this.cpu = cpu;
    }

    @Override
    public int read8(long address) {
        return cpu.readLin8((int) address);
    }

    @Override
    public int read16(long address) {
        return cpu.readLin16((int) address);
    }

    @Override
    public int read32(long address) {
        return cpu.readLin32((int) address);
    }

    @Override
    public long read64(long address) {
        return cpu.readSlow((int) address, 8, cpu.userAccess);
    }

    @Override
    public void write8(long address, int value) {
        cpu.writeLin8((int) address, value);
    }

    @Override
    public void write16(long address, int value) {
        cpu.writeLin16((int) address, value);
    }

    @Override
    public void write32(long address, int value) {
        cpu.writeLin32((int) address, value);
    }

    @Override
    public void write64(long address, long value) {
        cpu.writeSlow((int) address, 8, value, cpu.userAccess);
    }

    @Override
    public void checkWritable(long address, int length) {
        int la = (int) address;
        cpu.translate(la, true, cpu.userAccess);
        // Further pages the range reaches (linear addresses wrap at 4 GiB, as the page arithmetic does).
        int more = ((la & 0xFFF) + length - 1) >>> 12;
        for (int i = 1; i <= more; i++) {
            cpu.translate((la & CpuMemory.PAGE_MASK) + (i << 12), true, cpu.userAccess);
        }
    }

    @Override
    public void setAx(int value) {
        cpu.w16(CpuCore.EAX, value);
    }

    @Override
    public boolean condition(int fcmovCondition) {
        return switch (fcmovCondition & 3) {
            case 0 -> cpu.cf();
            case 1 -> cpu.zf();
            case 2 -> cpu.cf() || cpu.zf();
            default -> cpu.pf();
        };
    }

    @Override
    public void setComparisonFlags(boolean zf, boolean pf, boolean cf) {
        cpu.setArithmeticFlags((zf ? CpuCore.ZF : 0) | (pf ? CpuCore.PF : 0) | (cf ? CpuCore.CF : 0));
    }

    @Override
    public boolean protectedMode() {
        return cpu.protectedMode;
    }

    @Override
    public boolean operandSize32() {
        return operandSize32;
    }

    @Override
    public int codeSelector() {
        return cpu.segSel[CpuCore.CS];
    }

    @Override
    public long instructionPointer() {
        return cpu.instrStart & 0xFFFFFFFFL;
    }
}
