package org.quasivm.exec.cputest;

/**
 * One SingleStepTests case: an instruction, the 16-bit register file and memory before it, and what changed after.
 *
 * @param index          position in its file
 * @param name           disassembly
 * @param bytes          the instruction bytes (without the terminating HLT)
 * @param initialRegs    all 14 registers in MOO order (ax bx cx dx cs ss ds es sp bp si di ip flags)
 * @param finalMask      bit i set when finalRegs[i] is given (registers not given are unchanged)
 * @param finalRegs      final values by MOO order
 * @param initialRam     address/value pairs: addresses in even slots, byte values in odd slots
 * @param finalRam       address/value pairs after the instruction (changed bytes only)
 * @param exception      exception vector taken, or -1
 * @param flagAddress    linear address of the FLAGS the exception pushed, or -1
 * @param hash           SHA-1 hex identifying the test
 */
public record MooTest(int index, String name, byte[] bytes, int[] initialRegs, int finalMask, int[] finalRegs,
                      int[] initialRam, int[] finalRam, int exception, long flagAddress, String hash) {
    public static final int AX = 0, BX = 1, CX = 2, DX = 3, CS = 4, SS = 5, DS = 6, ES = 7, SP = 8, BP = 9, SI = 10,
            DI = 11, IP = 12, FLAGS = 13;
    public static final String[] REGISTER_NAMES =
        {"ax", "bx", "cx", "dx", "cs", "ss", "ds", "es", "sp", "bp", "si", "di", "ip", "flags"};

    /** The final value of a register (its initial value when the test does not list it). */
    public int finalRegister(int r) {
        return (finalMask & (1 << r)) != 0 ? finalRegs[r] : initialRegs[r];
    }

    /** The initial byte at a linear address, or -1 when the test does not set it. */
    public int initialByte(long address) {
        for (int i = 0; i < initialRam.length; i += 2) {
            if ((initialRam[i] & 0xFFFFFFFFL) == address) {
                return initialRam[i + 1];
            }
        }
        return -1;
    }
}
