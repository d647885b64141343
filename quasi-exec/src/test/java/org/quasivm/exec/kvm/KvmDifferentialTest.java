package org.quasivm.exec.kvm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.util.HexFormat;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;
import org.quasivm.exec.Exit;
import org.quasivm.exec.cpu.SoftwareExecutor;
import org.quasivm.exec.state.CpuState;
import org.quasivm.exec.state.TableRegister;

/**
 * The host CPU under KVM as the oracle for the interpreter: random short sequences of integer instructions in flat
 * 32-bit protected mode, from random registers and flags, run on both executors; the general registers and the
 * flags every chosen instruction defines must come out the same. Instructions whose results the SDM leaves undefined
 * are kept out of what can reach a register: AF and OF are never read (no LAHF/PUSHF/DAA, no O/L/G conditions) and
 * are not compared; MUL and IMUL are followed by TEST, which redefines SF, ZF and PF.
 */
class KvmDifferentialTest {

    private static final int CASES = 2000;
    private static final int LENGTH = 12;
    private static final int CODE = 0x1000;
    private static final long CF = 1, PF = 4, ZF = 0x40, SF = 0x80;
    private static final long COMPARED_FLAGS = CF | PF | ZF | SF;
    /** Conditions that read only CF, ZF, SF and PF: B, AE, E, NE, BE, A, S, NS, P, NP. */
    private static final int[] CONDITIONS = {2, 3, 4, 5, 6, 7, 8, 9, 10, 11};
    /** Registers an instruction may write: all but ESP. */
    private static final int[] REGS = {0, 1, 2, 3, 5, 6, 7};

    @Test
    void randomIntegerSequencesEndTheSameUnderKvmAndOnTheSoftwareCpu() {
        SplittableRandom random = new SplittableRandom(0x51A5_1C0DEL);
        for (int n = 0; n < CASES; n++) {
            byte[] code = sequence(random);
            long[] gprs = new long[16];
            for (int r = 0; r < 8; r++) {
                gprs[r] = r == 4 ? 0x8000 : random.nextLong() & 0xFFFF_FFFFL;
            }
            long flags = 2 | (random.nextLong() & (CF | PF | ZF | SF | 0x10 | 0x800));
            CpuState software = run(false, code, gprs, flags);
            CpuState kvm = run(true, code, gprs, flags);
            String what = "case " + n + ", code " + HexFormat.of().formatHex(code);
            for (int r = 0; r < 8; r++) {
                assertEquals(Long.toHexString(kvm.gprs()[r]), Long.toHexString(software.gprs()[r]),
                        what + ": register " + r);
            }
            assertEquals(Long.toHexString(kvm.rflags() & COMPARED_FLAGS),
                    Long.toHexString(software.rflags() & COMPARED_FLAGS), what + ": flags");
            assertEquals(kvm.rip(), software.rip(), what + ": eip");
        }
    }

    private static CpuState run(boolean underKvm, byte[] code, long[] gprs, long rflags) {
        TestMachine machine = new TestMachine(1 << 20);
        machine.load(CODE, code);
        CpuState flat = KvmTestSupport.flatProtectedModeAt(CODE, new TableRegister(0, 0));
        CpuState start = new CpuState(gprs.clone(), CODE, rflags, flat.es(), flat.cs(), flat.ss(), flat.ds(),
                flat.fs(), flat.gs(), flat.ldtr(), flat.tr(), flat.gdtr(), flat.idtr(), flat.cr0(), 0, 0, 0, 0,
                flat.debugRegisters(), flat.msrs(), flat.fpu(), false, 0, false, false, -1);
        try (var executor = underKvm ? KvmTestSupport.executorOrSkip(machine) : new SoftwareExecutor(
                machine.platform())) {
            executor.restoreState(start);
            Exit exit = executor.run(1_000_000);
            if (exit != Exit.HALTED) {
                fail((underKvm ? "KVM" : "software") + " did not halt: " + exit + ", code "
                        + HexFormat.of().formatHex(code));
            }
            return executor.saveState();
        }
    }

    /** {@link #LENGTH} random instructions, then HLT. */
    private static byte[] sequence(SplittableRandom random) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < LENGTH; i++) {
            instruction(random, out);
        }
        out.write(0xF4);
        return out.toByteArray();
    }

    private static void instruction(SplittableRandom random, ByteArrayOutputStream out) {
        int dst = REGS[random.nextInt(REGS.length)];
        int src = random.nextInt(8);
        switch (random.nextInt(14)) {
            case 0 -> { // ADD ADC SUB SBB AND OR XOR CMP, r/m32 r32 (optionally 16-bit)
                if (random.nextBoolean()) {
                    out.write(0x66);
                }
                out.write(new int[] {0x01, 0x11, 0x29, 0x19, 0x21, 0x09, 0x31, 0x39}[random.nextInt(8)]);
                out.write(0xC0 | src << 3 | dst);
            }
            case 1 -> { // the same group with an immediate
                out.write(0x81);
                out.write(0xC0 | random.nextInt(8) << 3 | dst);
                imm32(random, out);
            }
            case 2 -> { // 8-bit forms on AL..BL and AH..BH
                out.write(new int[] {0x00, 0x10, 0x28, 0x18, 0x20, 0x08, 0x30, 0x38}[random.nextInt(8)]);
                out.write(0xC0 | random.nextInt(8) << 3 | random.nextInt(8));
            }
            case 3 -> out.write((random.nextBoolean() ? 0x40 : 0x48) | dst); // INC/DEC: CF kept
            case 4 -> { // NOT, NEG
                out.write(0xF7);
                out.write(0xC0 | (random.nextBoolean() ? 2 : 3) << 3 | dst);
            }
            case 5 -> { // ROL ROR RCL RCR SHL SHR SAR by 1..31: OF undefined beyond 1, never read
                out.write(0xC1);
                out.write(0xC0 | new int[] {0, 1, 2, 3, 4, 5, 7}[random.nextInt(7)] << 3 | dst);
                out.write(1 + random.nextInt(31));
            }
            case 6 -> { // SHLD/SHRD by 1..31
                out.write(0x0F);
                out.write(random.nextBoolean() ? 0xA4 : 0xAC);
                out.write(0xC0 | src << 3 | dst);
                out.write(1 + random.nextInt(31));
            }
            case 7 -> { // MUL, IMUL r/m (EDX:EAX), IMUL r, r/m; then TEST to define SF/ZF/PF again
                switch (random.nextInt(3)) {
                    case 0 -> {
                        out.write(0xF7);
                        out.write(0xC0 | 4 << 3 | src);
                    }
                    case 1 -> {
                        out.write(0xF7);
                        out.write(0xC0 | 5 << 3 | src);
                    }
                    default -> {
                        out.write(0x0F);
                        out.write(0xAF);
                        out.write(0xC0 | dst << 3 | src);
                    }
                }
                out.write(0x85);
                out.write(0xC0 | dst << 3 | dst);
            }
            case 8 -> { // SETcc r8, CMOVcc r32
                int cc = CONDITIONS[random.nextInt(CONDITIONS.length)];
                out.write(0x0F);
                if (random.nextBoolean()) {
                    out.write(0x90 | cc);
                    out.write(0xC0 | random.nextInt(8));
                } else {
                    out.write(0x40 | cc);
                    out.write(0xC0 | dst << 3 | src);
                }
            }
            case 9 -> { // BT BTS BTR BTC r, r: CF is the bit
                out.write(0x0F);
                out.write(new int[] {0xA3, 0xAB, 0xB3, 0xBB}[random.nextInt(4)]);
                out.write(0xC0 | src << 3 | dst);
            }
            case 10 -> { // MOVZX/MOVSX from a byte or word register
                out.write(0x0F);
                out.write(new int[] {0xB6, 0xB7, 0xBE, 0xBF}[random.nextInt(4)]);
                out.write(0xC0 | dst << 3 | src);
            }
            case 11 -> { // LEA dst, [base + index*scale + disp32]
                int index = REGS[random.nextInt(REGS.length)];
                out.write(0x8D);
                out.write(0x84 | dst << 3);
                out.write(random.nextInt(4) << 6 | index << 3 | random.nextInt(8));
                imm32(random, out);
            }
            case 12 -> { // BSWAP, XCHG
                if (random.nextBoolean()) {
                    out.write(0x0F);
                    out.write(0xC8 | dst);
                } else {
                    out.write(0x87);
                    out.write(0xC0 | REGS[random.nextInt(REGS.length)] << 3 | dst);
                }
            }
            default -> { // CMC, CLC, STC
                out.write(new int[] {0xF5, 0xF8, 0xF9}[random.nextInt(3)]);
            }
        }
    }

    private static void imm32(SplittableRandom random, ByteArrayOutputStream out) {
        int v = random.nextInt();
        for (int i = 0; i < 4; i++) {
            out.write(v >>> (8 * i) & 0xFF);
        }
    }
}
