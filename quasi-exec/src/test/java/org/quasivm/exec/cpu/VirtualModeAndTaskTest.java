package org.quasivm.exec.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.quasivm.exec.state.CpuState;

/** Virtual-8086 mode entry/exit and hardware task switches (SDM vol. 3, ch. 7 and 20). */
class VirtualModeAndTaskTest {
    private static final int V86_CODE = 0x1000; // segment
    private static final int KERNEL_ENTRY = 0x30000;

    private final TestMachine m = new TestMachine();
    private final PmFixture pm = new PmFixture(m);

    /** Ring-0 code that IRETs into V86 at 1000:0000 with the given EFLAGS. */
    private void enterV86(String v86Code, int eflags) {
        m.load(V86_CODE << 4, Nasm.assemble("bits 16\n" + v86Code));
        pm.code32(String.format("""
                push dword 0x0      ; GS
                push dword 0x0      ; FS
                push dword 0x2000   ; DS
                push dword 0x0      ; ES
                push dword 0x3000   ; SS
                push dword 0x100    ; ESP
                push dword 0x%x     ; EFLAGS with VM
                push dword 0x%x     ; CS
                push dword 0x0      ; EIP
                iretd
                """, eflags | 0x20000, V86_CODE));
        pm.enter(0, false, PmFixture.CODE);
    }

    @Test
    void iretWithVmEntersVirtual8086ModeWithRealModeSegments() {
        enterV86("mov ax, ds\nmov word [0x10], 0xBEEF\nint3", 0x3202);
        m.runToHalt(1000);
        assertEquals(3, pm.haltedVector());
        CpuState s = pm.state();
        assertEquals(0x2000, s.gpr(CpuState.RAX) & 0xFFFF);
        assertEquals(0xBEEF, m.read16(0x20010));
        // The interrupt from V86 pushed GS, FS, DS, ES after the usual frame and cleared the data segments.
        assertEquals(V86_CODE, pm.stack(4));
        assertTrue((pm.stack(8) & 0x20000) != 0, "pushed EFLAGS has VM");
        assertEquals(0x3000, pm.stack(16));
        assertEquals(0x2000, pm.stack(24));
        assertEquals(0, s.ds().selector());
        assertEquals(0, s.rflags() & 0x20000);
    }

    @Test
    void softwareInterruptInV86WithIoplBelow3RaisesGeneralProtection() {
        enterV86("int 0x21", 0x0202);
        m.runToHalt(1000);
        assertEquals(13, pm.haltedVector());
        assertEquals(0, pm.stack(0));
        assertEquals(V86_CODE, pm.stack(8));
    }

    @Test
    void cliInV86WithIoplBelow3RaisesGeneralProtection() {
        enterV86("cli", 0x0202);
        m.runToHalt(1000);
        assertEquals(13, pm.haltedVector());
    }

    @Test
    void portAccessInV86IsCheckedAgainstTheTssBitmap() {
        m.write8(PmFixture.TSS + 0x68 + (0x60 >>> 3), 1); // deny port 0x60
        enterV86("in al, 0x61\nin al, 0x60", 0x3202);
        m.runToHalt(1000);
        assertEquals(13, pm.haltedVector());
        assertEquals(1, m.io.size(), "port 0x61 was allowed, 0x60 refused: " + m.io);
        assertEquals(2, pm.stack(4), "faulting IP is the second IN");
    }

    @Test
    void portAccessAtCpl3WithIoplBelowCplUsesTheBitmap() {
        m.write8(PmFixture.TSS + 0x68 + (0x80 >>> 3), 1);
        pm.code32("out 0x81, al\nout 0x80, al");
        pm.enter(3, false, PmFixture.CODE);
        m.runToHalt(1000);
        assertEquals(13, pm.haltedVector());
        assertEquals(1, m.io.size());
    }

    @Test
    void jumpToATssSwitchesTasksAndSavesTheOldState() {
        int tss2 = 0x6000;
        pm.setGdt(0x48, PmFixture.descriptor(tss2, 0x67, PmFixture.TSS32_ACCESS, 0));
        m.write32(tss2 + 0x20, KERNEL_ENTRY);          // EIP
        m.write32(tss2 + 0x24, 0x2);                   // EFLAGS
        m.write32(tss2 + 0x28, 0xAAAA);                // EAX
        m.write32(tss2 + 0x38, 0x7800);                // ESP
        m.write16(tss2 + 0x48, PmFixture.KDATA);       // ES
        m.write16(tss2 + 0x4C, PmFixture.KCODE);       // CS
        m.write16(tss2 + 0x50, PmFixture.KDATA);       // SS
        m.write16(tss2 + 0x54, PmFixture.KDATA);       // DS
        m.load(KERNEL_ENTRY, Nasm.assemble("bits 32\nstr bx\nhlt"));
        pm.code32("mov ecx, 0x1234\njmp 0x48:0\nhlt");
        pm.enter(0, false, PmFixture.CODE);
        m.runToHalt(1000);
        CpuState s = pm.state();
        assertEquals(0xAAAA, s.gpr(CpuState.RAX));
        assertEquals(0x48, s.gpr(CpuState.RBX) & 0xFFFF);
        assertEquals(0x7800, s.gpr(CpuState.RSP));
        assertEquals(8, s.cr0() & 8, "CR0.TS set by the switch");
        assertEquals(0x1234, m.read32(PmFixture.TSS + 0x2C), "old ECX saved");
        assertEquals(PmFixture.CODE + 12, m.read32(PmFixture.TSS + 0x20), "old EIP: after the JMP");
        assertEquals(0x8B, (int) (pm.gdt(0x48) >>> 40) & 0xFF, "new TSS busy");
        assertEquals(0x89, (int) (pm.gdt(PmFixture.TSS_SEL) >>> 40) & 0xFF, "old TSS no longer busy (JMP)");
    }

    @Test
    void callToATaskNestsAndIretReturnsThroughTheBackLink() {
        int tss2 = 0x6000;
        pm.setGdt(0x48, PmFixture.descriptor(tss2, 0x67, PmFixture.TSS32_ACCESS, 0));
        m.write32(tss2 + 0x20, KERNEL_ENTRY);
        m.write32(tss2 + 0x24, 0x2);
        m.write32(tss2 + 0x38, 0x7800);
        m.write16(tss2 + 0x48, PmFixture.KDATA);
        m.write16(tss2 + 0x4C, PmFixture.KCODE);
        m.write16(tss2 + 0x50, PmFixture.KDATA);
        m.write16(tss2 + 0x54, PmFixture.KDATA);
        m.load(KERNEL_ENTRY, Nasm.assemble("bits 32\npushfd\npop esi\nmov edi, [0x6000]\niretd"));
        pm.code32("call 0x48:0\nmov eax, 0x99\nhlt");
        pm.enter(0, false, PmFixture.CODE);
        m.runToHalt(1000);
        CpuState s = pm.state();
        assertEquals(-1, pm.haltedVector(), () -> "exception " + pm.haltedVector() + " error " + pm.stack(0) + " " + s);
        assertEquals(0x99, s.gpr(CpuState.RAX), "returned to the caller task");
        assertEquals(0x4000, m.read32(tss2 + 0x40) & 0x4000, "NT was set in the nested task (its saved ESI)");
        assertEquals(0, m.read32(tss2 + 0x24) & 0x4000, "IRET saved the nested task's EFLAGS with NT clear");
        assertEquals(PmFixture.TSS_SEL, m.read16(tss2), "back link");
        assertEquals(0, s.rflags() & 0x4000);
        assertEquals(PmFixture.TSS_SEL, s.tr().selector());
        assertEquals(0x89, (int) (pm.gdt(0x48) >>> 40) & 0xFF, "IRET cleared the nested task's busy bit");
    }

    @Test
    void callToA16BitTssSavesAndLoadsTheShortLayout() {
        int tss16 = 0x6000;
        pm.setGdt(0x48, PmFixture.descriptor(tss16, 0x2B, 0x81, 0));
        pm.setGdt(0x50, PmFixture.descriptor(0, 0xFFFF, PmFixture.CODE_ACCESS, 0)); // 16-bit code, base 0
        m.write16(tss16 + 0x0E, 0x4000);             // IP
        m.write16(tss16 + 0x10, 0x0002);             // FLAGS
        m.write16(tss16 + 0x12, 0x1111);             // AX
        m.write16(tss16 + 0x1A, 0x7800);             // SP
        m.write16(tss16 + 0x22, PmFixture.KDATA16);  // ES
        m.write16(tss16 + 0x24, 0x50);               // CS
        m.write16(tss16 + 0x26, PmFixture.KDATA16);  // SS
        m.write16(tss16 + 0x28, PmFixture.KDATA16);  // DS
        m.load(0x4000, Nasm.assemble("bits 16\nmov bx, ax\nmov cx, sp\niret"));
        pm.code32("call 0x48:0\nhlt");
        pm.enter(0, false, PmFixture.CODE);
        m.runToHalt(1000);
        CpuState s = pm.state();
        assertEquals(-1, pm.haltedVector(), () -> "exception " + pm.haltedVector() + " error " + pm.stack(0));
        assertEquals(PmFixture.KCODE, s.cs().selector(), "back in the 32-bit caller");
        assertEquals(PmFixture.TSS_SEL, m.read16(tss16), "back link in the 16-bit TSS");
        assertEquals(0x1111, m.read16(tss16 + 0x18), "the nested task's saved BX = its AX");
        assertEquals(0x7800, m.read16(tss16 + 0x14), "and CX = its SP");
        assertEquals(0x4005, m.read16(tss16 + 0x0E), "saved IP after its IRET");
    }

    @Test
    void taskGateInTheIdtHandlesAnException() {
        int tss2 = 0x6000;
        pm.setGdt(0x48, PmFixture.descriptor(tss2, 0x67, PmFixture.TSS32_ACCESS, 0));
        m.write32(tss2 + 0x20, KERNEL_ENTRY);
        m.write32(tss2 + 0x24, 0x2);
        m.write32(tss2 + 0x38, 0x7800);
        m.write16(tss2 + 0x48, PmFixture.KDATA);
        m.write16(tss2 + 0x4C, PmFixture.KCODE);
        m.write16(tss2 + 0x50, PmFixture.KDATA);
        m.write16(tss2 + 0x54, PmFixture.KDATA);
        m.write64(PmFixture.IDT + 8 * 8, PmFixture.gate(0x48, 0, 5, 0, 0)); // #DF → task gate
        m.write64(PmFixture.IDT + 13 * 8, PmFixture.gate(0x48, 0, 5, 0, 0)); // #GP → task gate
        m.load(KERNEL_ENTRY, Nasm.assemble("bits 32\npop eax\nhlt"));
        pm.code32("mov ax, 0x1234\nmov ds, ax");
        pm.enter(0, false, PmFixture.CODE);
        m.runToHalt(1000);
        CpuState s = pm.state();
        assertEquals(0x48, s.tr().selector());
        assertEquals(0x1234, s.gpr(CpuState.RAX), "the error code (selector with TI) was pushed on the new stack");
    }

    @Test
    void sysenterAndSysexitUseTheFlatSegmentsAfterSysenterCs() {
        pm.code32("""
                mov ecx, 0x174
                xor edx, edx
                mov eax, 0x08
                wrmsr
                mov ecx, 0x175
                mov eax, 0x9000
                wrmsr
                mov ecx, 0x176
                mov eax, kernel
                wrmsr
                push dword 0x23
                push dword 0x7000
                push dword 0x202
                push dword 0x1b
                push dword user
                iretd
                user:
                mov ecx, 0x7000
                mov edx, back
                sysenter
                back:
                mov edi, cs
                int3
                kernel:
                mov esi, cs
                mov ebp, esp
                sysexit
                """);
        // SYSEXIT returns to SYSENTER_CS+16 | 3: put the ring 3 code and data there (0x18/0x20 are ours).
        pm.enter(0, false, PmFixture.CODE);
        m.runToHalt(1000);
        CpuState s = pm.state();
        assertEquals(3, pm.haltedVector());
        assertEquals(PmFixture.KCODE, s.gpr(CpuState.RSI) & 0xFFFF);
        assertEquals(0x9000, s.gpr(CpuState.RBP));
        assertEquals(0x1B, s.gpr(CpuState.RDI) & 0xFFFF);
    }
}
