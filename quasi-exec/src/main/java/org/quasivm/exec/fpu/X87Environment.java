package org.quasivm.exec.fpu;

/**
 * The memory images of the x87 state: the FSTENV/FLDENV environment in its four layouts (real or protected mode,
 * 16- or 32-bit operand size; Intel SDM vol. 1, figures 8-9 to 8-12), FSAVE/FRSTOR (environment plus ST0..ST7) and
 * the 512-byte FXSAVE/FXRSTOR image (SDM vol. 1, table 10-2).
 *
 * <p>Loads read every byte into scratch fields before changing anything, and stores check the whole destination
 * first, so a fault part-way leaves the x87 as it was.
 */
final class X87Environment {

    /** MXCSR bits FXRSTOR accepts (no DAZ on this processor); also stored as MXCSR_MASK in the FXSAVE image. */
    static final int MXCSR_MASK = 0xFFBF;

    private final X87 x87;
    private final long[] scratchSig = new long[8];
    private final int[] scratchSe = new int[8];
    private final long[] xmmScratch = new long[16];

    private int envCw;
    private int envSw;
    private int envTw;
    private int envFop;
    private long envFip;
    private int envFcs;
    private long envFdp;
    private int envFds;

    X87Environment(X87 x87) {
        this.x87 = x87;
    }

    static int environmentSize(X87Host host) {
        return host.operandSize32() ? 28 : 14;
    }

    /** FNSTENV: stores the environment, then masks all exceptions. */
    void storeEnvironment(long address, X87Host host) {
        host.checkWritable(address, environmentSize(host));
        writeEnvironment(address, host);
        x87.loadControlWord(x87.controlWord() | X87.EXCEPTION_FLAGS);
    }

    void loadEnvironment(long address, X87Host host) {
        readEnvironment(address, host);
        commitEnvironment();
    }

    /** FNSAVE: environment and registers; the caller then reinitialises the x87 (FNINIT). */
    void saveState(long address, X87Host host) {
        int envSize = environmentSize(host);
        host.checkWritable(address, envSize + 80);
        writeEnvironment(address, host);
        long regs = address + envSize;
        for (int i = 0; i < 8; i++) {
            int p = (x87.top() + i) & 7;
            host.write64(regs + 10L * i, x87.registerSig(p));
            host.write16(regs + 10L * i + 8, x87.registerSe(p));
        }
    }

    void restoreState(long address, X87Host host) {
        readEnvironment(address, host);
        long regs = address + environmentSize(host);
        for (int i = 0; i < 8; i++) {
            scratchSig[i] = host.read64(regs + 10L * i);
            scratchSe[i] = host.read16(regs + 10L * i + 8) & 0xFFFF;
        }
        commitEnvironment();
        int top = x87.top();
        for (int i = 0; i < 8; i++) {
            x87.setRegister((top + i) & 7, scratchSe[i], scratchSig[i]);
        }
    }

    private void writeEnvironment(long a, X87Host host) {
        int cw = x87.controlWord();
        int sw = x87.statusWord();
        int tw = x87.fullTagWord();
        int fop = x87.lastOpcode();
        boolean protectedMode = host.protectedMode();
        long fip = protectedMode ? x87.lastIp() : linear(x87.lastCs(), x87.lastIp());
        long fdp = protectedMode ? x87.lastDp() : linear(x87.lastDs(), x87.lastDp());
        if (host.operandSize32()) {
            host.write32(a, 0xFFFF_0000 | cw);
            host.write32(a + 4, 0xFFFF_0000 | sw);
            host.write32(a + 8, 0xFFFF_0000 | tw);
            if (protectedMode) {
                host.write32(a + 12, (int) fip);
                host.write32(a + 16, x87.lastCs() | fop << 16);
                host.write32(a + 20, (int) fdp);
                host.write32(a + 24, 0xFFFF_0000 | x87.lastDs());
            } else {
                host.write32(a + 12, 0xFFFF_0000 | (int) (fip & 0xFFFF));
                host.write32(a + 16, (int) ((fip >>> 16) << 12) | fop);
                host.write32(a + 20, 0xFFFF_0000 | (int) (fdp & 0xFFFF));
                host.write32(a + 24, (int) ((fdp >>> 16) << 12));
            }
        } else {
            host.write16(a, cw);
            host.write16(a + 2, sw);
            host.write16(a + 4, tw);
            if (protectedMode) {
                host.write16(a + 6, (int) fip);
                host.write16(a + 8, x87.lastCs());
                host.write16(a + 10, (int) fdp);
                host.write16(a + 12, x87.lastDs());
            } else {
                host.write16(a + 6, (int) fip);
                host.write16(a + 8, (int) ((fip >>> 16) & 0xF) << 12 | fop);
                host.write16(a + 10, (int) fdp);
                host.write16(a + 12, (int) ((fdp >>> 16) & 0xF) << 12);
            }
        }
    }

    private void readEnvironment(long a, X87Host host) {
        boolean protectedMode = host.protectedMode();
        if (host.operandSize32()) {
            envCw = host.read16(a);
            envSw = host.read16(a + 4);
            envTw = host.read16(a + 8);
            if (protectedMode) {
                envFip = host.read32(a + 12) & 0xFFFF_FFFFL;
                int w = host.read32(a + 16);
                envFcs = w & 0xFFFF;
                envFop = (w >>> 16) & 0x7FF;
                envFdp = host.read32(a + 20) & 0xFFFF_FFFFL;
                envFds = host.read16(a + 24) & 0xFFFF;
            } else {
                int ipLow = host.read16(a + 12) & 0xFFFF;
                int w = host.read32(a + 16);
                envFop = w & 0x7FF;
                envFip = ((long) (w >>> 12) & 0xFFFF) << 16 | ipLow;
                int dpLow = host.read16(a + 20) & 0xFFFF;
                envFdp = ((long) (host.read32(a + 24) >>> 12) & 0xFFFF) << 16 | dpLow;
                envFcs = 0;
                envFds = 0;
            }
        } else {
            envCw = host.read16(a);
            envSw = host.read16(a + 2);
            envTw = host.read16(a + 4);
            int ip = host.read16(a + 6) & 0xFFFF;
            int w8 = host.read16(a + 8) & 0xFFFF;
            int dp = host.read16(a + 10) & 0xFFFF;
            int w12 = host.read16(a + 12) & 0xFFFF;
            if (protectedMode) {
                envFip = ip;
                envFcs = w8;
                envFop = 0;
                envFdp = dp;
                envFds = w12;
            } else {
                envFip = (long) (w8 >>> 12) << 16 | ip;
                envFop = w8 & 0x7FF;
                envFdp = (long) (w12 >>> 12) << 16 | dp;
                envFcs = 0;
                envFds = 0;
            }
        }
    }

    private void commitEnvironment() {
        x87.loadControlWord(envCw & 0xFFFF);
        x87.loadStatusWord(envSw & 0xFFFF);
        x87.loadFullTagWord(envTw & 0xFFFF);
        x87.setPointers(envFop, envFip, envFcs, envFdp, envFds);
    }

    /** Real mode records linear (segment * 16 + offset) pointers. */
    private static long linear(int selector, long offset) {
        return ((long) selector << 4) + offset & 0xFFFF_FFFFL;
    }

    // FXSAVE / FXRSTOR ----------------------------------------------------------------------------------------

    void writeFxsave(long a, X87Host host) {
        host.write16(a, x87.controlWord());
        host.write16(a + 2, x87.statusWord());
        host.write16(a + 4, x87.abridgedTagWord());
        host.write16(a + 6, x87.lastOpcode());
        host.write32(a + 8, (int) x87.lastIp());
        host.write32(a + 12, x87.lastCs());
        host.write32(a + 16, (int) x87.lastDp());
        host.write32(a + 20, x87.lastDs());
        host.write32(a + 24, x87.mxcsr());
        host.write32(a + 28, MXCSR_MASK);
        for (int i = 0; i < 8; i++) {
            int p = (x87.top() + i) & 7;
            long r = a + 32 + 16L * i;
            host.write64(r, x87.registerSig(p));
            host.write16(r + 8, x87.registerSe(p));
            host.write16(r + 10, 0);
            host.write32(r + 12, 0);
        }
        byte[] xmm = x87.xmmRegisters();
        for (int i = 0; i < xmm.length; i += 8) {
            host.write64(a + 160 + i, littleEndianLong(xmm, i));
        }
    }

    void readFxrstor(long a, X87Host host) {
        int cw = host.read16(a) & 0xFFFF;
        int sw = host.read16(a + 2) & 0xFFFF;
        int tw = host.read8(a + 4) & 0xFF;
        int fop = host.read16(a + 6) & 0x7FF;
        long fip = host.read32(a + 8) & 0xFFFF_FFFFL;
        int fcs = host.read16(a + 12) & 0xFFFF;
        long fdp = host.read32(a + 16) & 0xFFFF_FFFFL;
        int fds = host.read16(a + 20) & 0xFFFF;
        int mxcsr = host.read32(a + 24);
        for (int i = 0; i < 8; i++) {
            long r = a + 32 + 16L * i;
            scratchSig[i] = host.read64(r);
            scratchSe[i] = host.read16(r + 8) & 0xFFFF;
        }
        for (int i = 0; i < 16; i++) {
            xmmScratch[i] = host.read64(a + 160 + 8L * i);
        }
        x87.loadControlWord(cw);
        x87.loadStatusWord(sw);
        x87.loadAbridgedTagWord(tw);
        x87.setPointers(fop, fip, fcs, fdp, fds);
        x87.setMxcsr(mxcsr);
        int top = x87.top();
        for (int i = 0; i < 8; i++) {
            x87.setRegister((top + i) & 7, scratchSe[i], scratchSig[i]);
        }
        byte[] xmm = x87.xmmRegisters();
        for (int i = 0; i < 16; i++) {
            for (int b = 0; b < 8; b++) {
                xmm[8 * i + b] = (byte) (xmmScratch[i] >>> (8 * b));
            }
        }
    }

    private static long littleEndianLong(byte[] bytes, int offset) {
        long v = 0;
        for (int b = 7; b >= 0; b--) {
            v = (v << 8) | (bytes[offset + b] & 0xFF);
        }
        return v;
    }
}
