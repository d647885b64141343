package org.quasivm.exec.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.quasivm.exec.state.CpuState;

/** Calls through gates, returns to outer levels and interrupts across privilege levels (SDM vol. 3, 5.8 and 6.12). */
class PrivilegeTransitionTest {
    private static final int CALL_GATE = 0x40;
    private static final int KERNEL_ENTRY = 0x30000;

    private final TestMachine m = new TestMachine();
    private final PmFixture pm = new PmFixture(m);

    @Test
    void callGateFromRing3SwitchesToTheTssStackAndCopiesParameters() {
        pm.setGdt(CALL_GATE, PmFixture.gate(PmFixture.KCODE, KERNEL_ENTRY, 0xC, 3, 2));
        m.load(KERNEL_ENTRY, Nasm.assemble("""
                bits 32
                mov eax, [esp + 8]      ; first parameter (pushed last by the caller)
                mov ebx, [esp + 12]
                mov ecx, [esp + 16]     ; caller ESP
                mov edx, [esp + 20]     ; caller SS
                mov esi, cs
                hlt
                retf 8
                """));
        pm.code32("""
                push dword 0x2222
                push dword 0x1111
                call 0x43:0             ; through the call gate, RPL 3
                mov edi, esp
                mov ebp, ds
                int3
                """);
        pm.enter(3, false, PmFixture.CODE);
        m.runToHalt(1000);
        CpuState s = pm.state();
        assertEquals(0x1111, s.gpr(CpuState.RAX));
        assertEquals(0x2222, s.gpr(CpuState.RBX));
        assertEquals(PmFixture.USER_STACK - 8, s.gpr(CpuState.RCX));
        assertEquals(PmFixture.UDATA, s.gpr(CpuState.RDX));
        assertEquals(PmFixture.KCODE, s.gpr(CpuState.RSI));
        assertEquals(PmFixture.KDATA, s.ss().selector());
        assertEquals(PmFixture.KERNEL_STACK - 24, s.gpr(CpuState.RSP));

        m.resume();
        m.runToHalt(1000);
        s = pm.state();
        assertEquals(3, pm.haltedVector());
        assertEquals(PmFixture.UCODE, pm.stack(4), "the breakpoint came from ring 3");
        assertEquals(PmFixture.UDATA, pm.stack(16));
        assertEquals(PmFixture.USER_STACK, s.gpr(CpuState.RDI), "RETF 8 releases the parameters on the outer stack");
        assertEquals(PmFixture.UDATA, s.gpr(CpuState.RBP));
    }

    @Test
    void callGateWithDplBelowCplRaisesGeneralProtectionWithTheGateSelector() {
        pm.setGdt(CALL_GATE, PmFixture.gate(PmFixture.KCODE, KERNEL_ENTRY, 0xC, 0, 0));
        pm.code32("call 0x43:0\nhlt");
        pm.enter(3, false, PmFixture.CODE);
        m.runToHalt(1000);
        assertEquals(13, pm.haltedVector());
        assertEquals(CALL_GATE, pm.stack(0));
    }

    @Test
    void returnToOuterLevelNullsDataSegmentsThatTheOuterLevelMayNotUse() {
        pm.code32("""
                mov ax, 0x10
                mov ds, ax              ; kernel data in DS
                push dword 0x23         ; SS
                push dword 0x7000       ; ESP
                push dword 0x1b         ; CS
                push dword ring3
                retf
                ring3:
                mov ax, ds
                mov ebx, esp
                int3
                """);
        pm.enter(0, false, PmFixture.CODE);
        m.runToHalt(1000);
        CpuState s = pm.state();
        assertEquals(PmFixture.UCODE, pm.stack(4));
        assertEquals(0, s.gpr(CpuState.RAX) & 0xFFFF, "DS (DPL 0) was nulled on the return to ring 3");
        assertEquals(0x7000, s.gpr(CpuState.RBX));
    }

    @Test
    void interruptFromRing3PushesTheOuterStackAndIretReturns() {
        pm.setInterruptGate(0x80, PmFixture.KCODE, KERNEL_ENTRY, 0xE, 3);
        m.load(KERNEL_ENTRY, Nasm.assemble("""
                bits 32
                mov eax, [esp]          ; EIP
                mov ebx, [esp + 4]      ; CS
                mov ecx, [esp + 12]     ; ESP
                mov edx, [esp + 16]     ; SS
                hlt
                iretd
                """));
        pm.code32("int 0x80\nmov esi, 0x5151\nmov edi, esp\nint3");
        pm.enter(3, false, PmFixture.CODE);
        m.runToHalt(1000);
        CpuState s = pm.state();
        assertEquals(PmFixture.CODE + 2, s.gpr(CpuState.RAX));
        assertEquals(PmFixture.UCODE, s.gpr(CpuState.RBX));
        assertEquals(PmFixture.USER_STACK, s.gpr(CpuState.RCX));
        assertEquals(PmFixture.UDATA, s.gpr(CpuState.RDX));
        assertEquals(0, s.cs().selector() & 3);
        assertEquals(0, s.rflags() & 0x200, "an interrupt gate clears IF");
        m.resume();
        m.runToHalt(1000);
        s = pm.state();
        assertEquals(0x5151, s.gpr(CpuState.RSI));
        assertEquals(PmFixture.USER_STACK, s.gpr(CpuState.RDI));
        assertEquals(0x200, pm.stack(8) & 0x200, "IRET restored IF");
    }

    @Test
    void softwareInterruptThroughAGateBelowCplRaisesGeneralProtection() {
        pm.code32("int 0x40\nhlt");
        pm.enter(3, false, PmFixture.CODE);
        m.runToHalt(1000);
        assertEquals(13, pm.haltedVector());
        assertEquals(0x40 * 8 + 2, pm.stack(0), "IDT error code: index, IDT bit, EXT clear");
    }

    @Test
    void trapGateKeepsInterruptsEnabled() {
        pm.setInterruptGate(0x41, PmFixture.KCODE, PmFixture.HANDLERS + 16 * 0x41, 0xF, 0);
        pm.code32("sti\nint 0x41");
        pm.enter(0, false, PmFixture.CODE);
        m.runToHalt(1000);
        assertEquals(0x200, pm.state().rflags() & 0x200);
    }

    @Test
    void iretToOuterLevelLoadsIoplOnlyFromRing0() {
        pm.code32("""
                push dword 0x23
                push dword 0x7000
                push dword 0x3202       ; IOPL 3, IF
                push dword 0x1b
                push dword ring3
                iretd
                ring3:
                pushfd
                pop eax
                push dword 0x0202       ; try to drop IOPL from ring 3
                popfd
                pushfd
                pop ebx
                int3
                """);
        pm.enter(0, false, PmFixture.CODE, 0x2, 0);
        m.runToHalt(1000);
        CpuState s = pm.state();
        assertEquals(0x3000, s.gpr(CpuState.RAX) & 0x3000);
        assertEquals(0x3000, s.gpr(CpuState.RBX) & 0x3000, "POPF at CPL 3 cannot change IOPL");
    }

    @Test
    void hltAtRing3RaisesGeneralProtection() {
        pm.code32("hlt");
        pm.enter(3, false, PmFixture.CODE);
        m.runToHalt(100);
        assertEquals(13, pm.haltedVector());
        assertEquals(0, pm.stack(0));
    }

    @Test
    void cliAtRing3WithIoplZeroRaisesGeneralProtection() {
        pm.code32("cli\nhlt");
        pm.enter(3, false, PmFixture.CODE);
        m.runToHalt(100);
        assertEquals(13, pm.haltedVector());
    }

    @Test
    void farJumpToConformingCodeKeepsTheCurrentPrivilege() {
        pm.setGdt(0x48, PmFixture.descriptor(0, 0xFFFFF, 0x9E, PmFixture.G_D));
        pm.code32("jmp 0x48:next\nnext:\nmov eax, cs\nint 3");
        pm.setInterruptGate(3, PmFixture.KCODE, PmFixture.HANDLERS + 16 * 3, 0xE, 3);
        pm.enter(3, false, PmFixture.CODE);
        m.runToHalt(100);
        assertEquals(0x4B, pm.state().gpr(CpuState.RAX) & 0xFFFF, "CS RPL = CPL 3");
    }
}
