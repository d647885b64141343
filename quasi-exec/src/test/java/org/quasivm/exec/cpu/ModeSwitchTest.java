package org.quasivm.exec.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.quasivm.exec.state.CpuState;

/** Entering and leaving protected mode through instructions, as firmware and boot loaders do. */
class ModeSwitchTest {

    /** Real-mode code at 0x7C00 that loads a GDT, sets CR0.PE and far-jumps into 32-bit code. */
    private static final String BOOT = """
            bits 16
            org 0x7c00
            start:
                cli
                xor ax, ax
                mov ds, ax
                lgdt [gdtr]
                mov eax, cr0
                or al, 1
                mov cr0, eax
                jmp 0x08:pm32
            bits 32
            pm32:
                mov ax, 0x10
                mov ds, ax
                mov es, ax
                mov ss, ax
                mov esp, 0x90000
                mov eax, 0x12345678
                add eax, 0x11111111
                push eax
                pop ebx
                mov [0x100000], ebx     ; above 1 MiB
                hlt
            align 8
            gdt:
                dq 0
                dq 0x00CF9A000000FFFF   ; flat 32-bit code
                dq 0x00CF92000000FFFF   ; flat 32-bit data
            gdtr:
                dw gdtr - gdt - 1
                dd gdt
            """;

    private static TestMachine bootAt7c00(String asm) {
        TestMachine m = new TestMachine();
        m.load(0x7C00, Nasm.assemble(asm));
        CpuState reset = m.cpu.saveState();
        // Start as a BIOS hands over: CS:IP = 0000:7C00.
        m.cpu.restoreState(new CpuState(reset.gprs(), 0x7C00, 0x2,
                reset.es(), new org.quasivm.exec.state.SegmentState(0, 0, 0xFFFF, 0x9B), reset.ss(), reset.ds(),
                reset.fs(), reset.gs(), reset.ldtr(), reset.tr(), reset.gdtr(), reset.idtr(), reset.cr0(), 0, 0, 0,
                0, reset.debugRegisters(), reset.msrs(), reset.fpu(), false, 0, false, false, 0));
        return m;
    }

    @Test
    void bootSectorEntersFlat32BitProtectedMode() {
        TestMachine m = bootAt7c00(BOOT);
        m.runToHalt(1000);
        CpuState s = m.cpu.saveState();
        assertEquals(0x23456789L, s.gpr(CpuState.RBX));
        assertEquals(0x23456789, m.read32(0x100000));
        assertEquals(0x08, s.cs().selector());
        assertEquals(0x90000, s.gpr(CpuState.RSP));
        assertTrue((s.cr0() & 1) != 0);
    }

    @Test
    void unrealModeKeepsA4GiBDataLimitAfterReturningToRealMode() {
        String asm = """
                bits 16
                org 0x7c00
                    cli
                    xor ax, ax
                    mov ds, ax
                    lgdt [gdtr]
                    mov eax, cr0
                    or al, 1
                    mov cr0, eax
                    mov bx, 0x10
                    mov ds, bx          ; 4 GiB data segment into the DS cache
                    and al, 0xFE
                    mov cr0, eax        ; back to real mode without reloading CS
                    xor bx, bx
                    mov ds, bx          ; real-mode load: base 0, limit stays 4 GiB
                    mov esi, 0x200000
                    mov dword [esi], 0xCAFEBABE
                    mov eax, [esi]
                    hlt
                align 8
                gdt:
                    dq 0
                    dq 0x00CF9A000000FFFF
                    dq 0x00CF92000000FFFF
                gdtr:
                    dw gdtr - gdt - 1
                    dd gdt
                """;
        TestMachine m = bootAt7c00(asm);
        m.runToHalt(1000);
        assertEquals(0xCAFEBABE, m.read32(0x200000));
        assertEquals(0xCAFEBABEL, m.cpu.saveState().gpr(CpuState.RAX));
        assertEquals(0, m.cpu.saveState().cr0() & 1);
    }

    @Test
    void realModeAccessBeyondTheSegmentLimitRaisesGeneralProtection() {
        String asm = """
                bits 16
                org 0x7c00
                    xor ax, ax
                    mov ds, ax
                    mov ss, ax
                    mov sp, 0x7000
                    mov word [13*4], handler
                    mov word [13*4+2], 0
                    mov esi, 0x10000
                    mov al, [esi]       ; offset above FFFFh in a 64 KiB segment
                    hlt
                handler:
                    mov bx, 0x1313
                    hlt
                """;
        TestMachine m = bootAt7c00(asm);
        m.runToHalt(1000);
        assertEquals(0x1313, m.cpu.saveState().gpr(CpuState.RBX) & 0xFFFF);
    }

    @Test
    void a20GateOffWrapsAddressesAtOneMegabyte() {
        String asm = """
                bits 16
                org 0x7c00
                    mov ax, 0xFFFF
                    mov ds, ax
                    mov byte [0x10], 0x5A   ; linear 0x100000
                    hlt
                """;
        TestMachine m = bootAt7c00(asm);
        m.cpu.setA20(false);
        m.runToHalt(100);
        assertEquals(0x5A, m.read8(0));
        assertEquals(0, m.read8(0x100000));
    }

    @Test
    void a20GateOnReachesTheHighMemoryArea() {
        String asm = """
                bits 16
                org 0x7c00
                    mov ax, 0xFFFF
                    mov ds, ax
                    mov byte [0x10], 0x5A
                    hlt
                """;
        TestMachine m = bootAt7c00(asm);
        m.runToHalt(100);
        assertEquals(0x5A, m.read8(0x100000));
    }
}
