package org.quasivm.exec.fpu;

/**
 * What the x87 unit needs from the integer CPU while it executes one instruction.
 *
 * <p>Addresses are linear: the CPU has already computed the effective address and applied its segment. Memory
 * accessors may throw the CPU's own fault exception (a page fault, a segment-limit #GP): the x87 unit must let it
 * propagate and must not have changed any of its state before the access that faults, so exceptions stay precise.
 * For multi-part stores (FSTP m80, FSAVE, FSTENV, FXSAVE) it calls {@link #checkWritable} first.
 */
public interface X87Host {

    int read8(long address);

    int read16(long address);

    int read32(long address);

    long read64(long address);

    void write8(long address, int value);

    void write16(long address, int value);

    void write32(long address, int value);

    void write64(long address, long value);

    /** Raises the CPU's fault now if any byte of [address, address+length) cannot be written. */
    void checkWritable(long address, int length);

    /** FNSTSW AX. */
    void setAx(int value);

    /**
     * The integer-flags condition for FCMOVcc, by the instruction's 3-bit condition: 0 B (CF), 1 E (ZF), 2 BE (CF|ZF),
     * 3 U (PF); the DB-opcode forms are the negations and the x87 unit inverts them itself.
     */
    boolean condition(int fcmovCondition);

    /** FCOMI/FUCOMI and their popping forms: ZF, PF and CF as given; OF, SF and AF cleared. */
    void setComparisonFlags(boolean zf, boolean pf, boolean cf);

    /** Whether the CPU is in protected mode (and not virtual-8086): selects the FSTENV/FSAVE image layout. */
    boolean protectedMode();

    /** Whether the instruction has a 32-bit operand size: selects the 14- or 28-byte environment layout. */
    boolean operandSize32();

    /** CS selector and offset of the x87 instruction being executed (recorded as FCS:FIP). */
    int codeSelector();

    long instructionPointer();
}
