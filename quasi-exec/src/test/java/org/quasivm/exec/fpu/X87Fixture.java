package org.quasivm.exec.fpu;

/**
 * Drives an {@link X87} the way the CPU does, for the unit tests: instructions by opcode and ModRM, memory operands
 * through a {@link FlatMemoryHost}, values as register-format (se, sig) pairs.
 */
final class X87Fixture {

    static final int SCRATCH = 0x100;

    final X87 x87 = new X87();
    final FlatMemoryHost host = new FlatMemoryHost(4096);

    X87Fixture() {
        run(0xDB, 0xE3); // FNINIT
    }

    void run(int opcode, int modrm) {
        x87.execute(opcode, modrm, 0, 0, 0, host);
    }

    void run(int opcode, int reg, long address) {
        x87.execute(opcode, reg << 3, address, address, 0x2B, host);
    }

    void controlWord(int cw) {
        host.write16(SCRATCH, cw);
        run(0xD9, 5, SCRATCH); // FLDCW
    }

    /** FLD m80 of (se, sig). */
    void push(int se, long sig) {
        host.write64(SCRATCH, sig);
        host.write16(SCRATCH + 8, se);
        run(0xDB, 5, SCRATCH);
    }

    /** Pushes a double exactly (tests only: every double is a register-format value). */
    void push(double value) {
        host.write64(SCRATCH, Double.doubleToRawLongBits(value));
        run(0xDD, 0, SCRATCH); // FLD m64
    }

    int st0Se() {
        return x87.registerSe(x87.top());
    }

    long st0Sig() {
        return x87.registerSig(x87.top());
    }

    int sti(int i) {
        return x87.registerSe((x87.top() + i) & 7);
    }

    long stiSig(int i) {
        return x87.registerSig((x87.top() + i) & 7);
    }

    int status() {
        return x87.statusWord();
    }

    int top() {
        return (x87.statusWord() >> 11) & 7;
    }

    static String hex(int se, long sig) {
        return String.format("%04X:%016X", se, sig);
    }
}
