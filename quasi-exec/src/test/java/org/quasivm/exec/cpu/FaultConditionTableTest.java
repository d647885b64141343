package org.quasivm.exec.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.stream.Stream;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.quasivm.exec.Exit;
import org.quasivm.exec.state.CpuState;
import org.quasivm.exec.state.FpuState;
import org.quasivm.exec.state.SegmentState;
import org.quasivm.exec.state.TableRegister;

/** Runs every row of {@code fault-conditions.md}: the committed table of SDM fault conditions. */
class FaultConditionTableTest {
    private static final String TABLE = "fault-conditions.md";
    private static final int REAL_STUBS = 0x500;
    private static final int V86_SEGMENT = 0x1000;
    private static final int TASK_HANDLER_TSS = 0x6000;
    private static final int SPARE_TSS = 0x6800;

    /** One row of the table. */
    record Row(String id, String instruction, String condition, String mode, String code, int vector,
               Integer error, Long cr2, String eip) {
    }

    static List<Row> rows() throws IOException {
        List<Row> rows = new ArrayList<>();
        try (InputStream in = FaultConditionTableTest.class.getResourceAsStream(TABLE)) {
            assertTrue(in != null, TABLE + " missing");
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (!line.startsWith("| ") || line.startsWith("| id ")) {
                    continue;
                }
                String[] c = line.split("\\|");
                // c[0] is empty (leading pipe); cells 1..9.
                String code = c[5].strip();
                code = code.substring(1, code.length() - 1).replace("\\n", "\n");
                rows.add(new Row(c[1].strip(), c[2].strip(), c[3].strip(), c[4].strip(), code,
                        Integer.parseInt(c[6].strip()), hexOrNull(c[7]) == null ? null : (int) (long) hexOrNull(c[7]),
                        hexOrNull(c[8]), c[9].strip()));
            }
        }
        return rows;
    }

    private static Long hexOrNull(String cell) {
        String v = cell.strip();
        return v.equals("-") ? null : Long.parseLong(v, 16);
    }

    @TestFactory
    Stream<DynamicTest> everyFaultConditionRaisesItsVectorErrorCodeAndCr2() throws IOException {
        List<Row> rows = rows();
        assertTrue(rows.size() >= 140, "table has " + rows.size() + " rows");
        return rows.stream().map(r -> DynamicTest.dynamicTest(r.id() + ": " + r.instruction() + ", " + r.condition(),
                () -> check(r)));
    }

    private static void check(Row r) {
        String base = r.mode().split("\\+")[0];
        TestMachine m = new TestMachine(4 << 20, new CpuFeatures(true, false));
        switch (base) {
            case "real" -> checkReal(m, r);
            case "v86" -> checkProtected(m, r, true);
            case "pm0", "pm3", "pg0", "pg3" -> checkProtected(m, r, false);
            default -> throw new AssertionError("unknown mode " + r.mode());
        }
    }

    /** Appends the address of the label the eip column names (f or n) after the code, so the test can find it. */
    private static String withLabelTrailer(Row r) {
        StringBuilder sb = new StringBuilder(r.code()).append("\nhlt\n");
        if (r.eip().equals("f") || r.eip().equals("n")) {
            sb.append("align 4\n__label: dd ").append(r.eip()).append('\n');
        }
        return sb.toString();
    }

    private static long expectedEip(byte[] code, Row r) {
        return switch (r.eip()) {
            case "f", "n" -> ByteBuffer.wrap(code).order(ByteOrder.LITTLE_ENDIAN).getInt(code.length - 4) & 0xFFFFFFFFL;
            default -> Long.parseLong(r.eip(), 16);
        };
    }

    private static void checkReal(TestMachine m, Row r) {
        for (int v = 0; v < 256; v++) {
            m.write16(4L * v, REAL_STUBS + 4 * v);
            m.write16(4L * v + 2, 0);
            m.write8(REAL_STUBS + 4 * v, 0xF4);
        }
        byte[] code = Nasm.assemble("bits 16\norg 0x7c00\n" + withLabelTrailer(r));
        m.load(0x7C00, code);
        CpuState reset = m.cpu.saveState();
        long[] g = new long[16];
        g[4] = 0x7000;
        m.cpu.restoreState(new CpuState(g, 0x7C00, 2, SegmentState.realMode(0),
                new SegmentState(0, 0, 0xFFFF, 0x9B), SegmentState.realMode(0), SegmentState.realMode(0),
                SegmentState.realMode(0), SegmentState.realMode(0), reset.ldtr(), reset.tr(),
                new TableRegister(0, 0xFFFF), new TableRegister(0, 0x3FF), 0x60000010L, 0, 0, 0, 0,
                reset.debugRegisters(), new TreeMap<>(), FpuState.powerOn(), false, 0, false, false, 0));
        Exit e = m.cpu.run(10_000);
        assertTrue(e instanceof Exit.Halted, r.id() + ": expected a halt, got " + e);
        CpuState s = m.cpu.saveState();
        long at = s.rip() - 1 - REAL_STUBS;
        assertTrue(s.cs().selector() == 0 && at >= 0 && at % 4 == 0 && at < 1024,
                r.id() + ": no exception taken, halted at " + Long.toHexString(s.rip()));
        assertEquals(r.vector(), (int) (at / 4), r.id() + ": vector");
        int frameIp = m.read16(s.gpr(4) & 0xFFFF);
        assertEquals(expectedEip(code, r), frameIp, r.id() + ": pushed IP");
    }

    private static void environment(PmFixture pm, TestMachine m) {
        pm.setGdt(0x40, PmFixture.descriptor(0, 0xFFFFF, 0x12, PmFixture.G_D));
        pm.setGdt(0x48, PmFixture.descriptor(0, 0xFFFFF, 0x90, PmFixture.G_D));
        pm.setGdt(0x50, PmFixture.descriptor(0, 0xFFFFF, 0x98, PmFixture.G_D));
        pm.setGdt(0x58, PmFixture.descriptor(0, 0xFFF, 0x92, 0x4));
        pm.setGdt(0x60, PmFixture.descriptor(0, 0xFFF, 0x96, 0x4));
        pm.setGdt(0x68, PmFixture.gate(PmFixture.KCODE, PmFixture.HANDLERS, 0xC, 0, 0));
        pm.setGdt(0x70, PmFixture.gate(PmFixture.KCODE, PmFixture.HANDLERS, 0xC, 3, 0) & ~(0x80L << 40));
        pm.setGdt(0x78, PmFixture.descriptor(0x7000, 0x17, 0x82, 0));
        pm.setGdt(0x80, PmFixture.descriptor(TASK_HANDLER_TSS, 0x67, 0x89, 0));
        pm.setGdt(0x88, PmFixture.descriptor(0x6400, 0x20, 0x89, 0));
        pm.setGdt(0x90, PmFixture.descriptor(0, 0xFFF, 0xF2, 0x4));
        pm.setGdt(0xA8, PmFixture.descriptor(0, 0xFFFFF, 0x1A, PmFixture.G_D));
        pm.setGdt(0xB8, PmFixture.descriptor(0x7000, 0x17, 0x02, 0));
        pm.setGdt(0xC0, PmFixture.descriptor(0, 0x20FFF, 0x9A, 0x4));
        pm.setGdt(0xD0, PmFixture.descriptor(SPARE_TSS, 0x67, 0x89, 0));
        m.write64(0x7000 + 8, PmFixture.descriptor(0, 0xFFFFF, 0x92, PmFixture.G_D));
        pm.setInterruptGate(4, PmFixture.KCODE, PmFixture.HANDLERS + 16 * 4, 0xE, 3);
        m.write64(PmFixture.IDT + 8L * 10, PmFixture.gate(0x80, 0, 5, 0, 0));
        m.write64(PmFixture.IDT + 8L * 0x41, PmFixture.gate(PmFixture.KCODE, PmFixture.HANDLERS, 0xE, 0, 0)
                & ~(0x80L << 40));
        m.write64(PmFixture.IDT + 8L * 0x42, PmFixture.gate(PmFixture.KCODE, PmFixture.HANDLERS, 0x9, 0, 0));
        m.write64(PmFixture.IDT + 8L * 0x44, PmFixture.gate(0, PmFixture.HANDLERS, 0xE, 3, 0));
        m.write64(PmFixture.IDT + 8L * 0x45, PmFixture.gate(0xA8, PmFixture.HANDLERS, 0xE, 3, 0));
        for (int tss : new int[] {TASK_HANDLER_TSS, SPARE_TSS}) {
            m.write32(tss + 0x20, PmFixture.HANDLERS + 16 * 10);
            m.write32(tss + 0x24, 2);
            m.write32(tss + 0x38, 0x7C00);
            m.write16(tss + 0x48, PmFixture.KDATA);
            m.write16(tss + 0x4C, PmFixture.KCODE);
            m.write16(tss + 0x50, PmFixture.KDATA);
            m.write16(tss + 0x54, PmFixture.KDATA);
        }
    }

    private static void checkProtected(TestMachine m, Row r, boolean v86) {
        PmFixture pm = new PmFixture(m);
        environment(pm, m);
        String[] parts = r.mode().split("\\+");
        String base = parts[0];
        int cr4 = 0;
        boolean am = false;
        boolean wp = false;
        for (int i = 1; i < parts.length; i++) {
            switch (parts[i]) {
                case "tsd" -> cr4 |= 1 << 2;
                case "pse" -> cr4 |= 1 << 4;
                case "am" -> am = true;
                case "wp" -> wp = true;
                case "irq41" -> m.pendingVectors.add(0x41);
                default -> throw new AssertionError("unknown mode flag " + parts[i]);
            }
        }
        boolean paging = base.startsWith("pg");
        if (paging) {
            pm.identityPaging(0x7);
            pm.setPte(0x300000, 0x300006);
            pm.setPte(0x301000, 0x301005);
            pm.setPte(0x302000, 0x302003);
        }
        byte[] code;
        if (v86) {
            code = Nasm.assemble("bits 16\norg 0\n" + withLabelTrailer(r));
            m.load((long) V86_SEGMENT << 4, code);
            pm.code32(String.format("""
                    push dword 0
                    push dword 0
                    push dword 0x2000
                    push dword 0
                    push dword 0x3000
                    push dword 0x100
                    push dword 0x20202
                    push dword 0x%x
                    push dword 0
                    iretd
                    """, V86_SEGMENT));
            pm.enter(0, false, PmFixture.CODE, 0x2, cr4);
        } else {
            code = Nasm.assemble("bits 32\norg " + PmFixture.CODE + "\n" + withLabelTrailer(r));
            m.load(PmFixture.CODE, code);
            pm.enter(base.endsWith("3") ? 3 : 0, paging, PmFixture.CODE, 0x202, cr4);
        }
        if (am || wp) {
            CpuState s = pm.state();
            long cr0 = s.cr0() | (am ? 1L << 18 : 0) | (wp ? 1L << 16 : 0);
            m.cpu.restoreState(new CpuState(s.gprs(), s.rip(), s.rflags(), s.es(), s.cs(), s.ss(), s.ds(), s.fs(),
                    s.gs(), s.ldtr(), s.tr(), s.gdtr(), s.idtr(), cr0, s.cr2(), s.cr3(), s.cr4(), s.efer(),
                    s.debugRegisters(), s.msrs(), s.fpu(), false, 0, false, false, 0));
        }
        Exit e = m.cpu.run(10_000);
        assertTrue(e instanceof Exit.Halted, r.id() + ": expected a halt in a handler, got " + e);
        int vector = pm.haltedVector();
        assertEquals(r.vector(), vector, r.id() + ": vector (state " + pm.state() + ")");
        int frame = 0;
        if (r.error() != null) {
            assertEquals((int) r.error(), pm.stack(0), r.id() + ": error code");
            frame = 4;
        }
        if (!r.eip().equals("-")) {
            assertEquals(expectedEip(code, r), pm.stack(frame) & 0xFFFFFFFFL, r.id() + ": pushed EIP");
        }
        if (r.cr2() != null) {
            assertEquals((long) r.cr2(), pm.state().cr2(), r.id() + ": CR2");
        }
    }
}
