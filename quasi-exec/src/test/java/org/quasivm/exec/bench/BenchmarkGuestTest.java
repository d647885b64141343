package org.quasivm.exec.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.quasivm.exec.state.CpuState;

/** The hand-encoded benchmark loops are exactly what NASM makes of their documented sources, and they run. */
class BenchmarkGuestTest {

    private static byte[] nasm(String source) throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory("quasivm-bench");
        Path in = dir.resolve("g.asm");
        Path out = dir.resolve("g.bin");
        Files.writeString(in, source, StandardCharsets.UTF_8);
        Process p = new ProcessBuilder("nasm", "-f", "bin", "-o", out.toString(), in.toString())
                .redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), log);
        byte[] b = Files.readAllBytes(out);
        Files.delete(in);
        Files.delete(out);
        Files.delete(dir);
        return b;
    }

    @Test
    void integerLoopMatchesItsSource() throws Exception {
        String src = "l: add ax, bx\nxor si, ax\ninc di\nmov dx, ax\nshr dx, 3\nsub cx, 1\njnz l\njmp l\n";
        assertArrayEquals(nasm("bits 16\n" + src), BenchmarkGuest.INTEGER.realModeCode());
        assertArrayEquals(nasm("bits 32\n" + src.replace("ax", "eax").replace("bx", "ebx").replace("si", "esi")
                .replace("di", "edi").replace("dx", "edx").replace("cx", "ecx")),
                BenchmarkGuest.INTEGER.protectedModeCode());
    }

    @Test
    void memoryLoopMatchesItsSource() throws Exception {
        assertArrayEquals(nasm("""
                bits 16
                o: mov si, 0
                mov di, 0x2000
                mov cx, 64
                rep movsw
                mov cx, 64
                xor si, si
                i: mov ax, [si]
                add [si+0x1000], ax
                add si, 2
                dec cx
                jnz i
                jmp o
                """), BenchmarkGuest.MEMORY.realModeCode());
        assertArrayEquals(nasm("""
                bits 32
                o: mov esi, 0x200000
                mov edi, 0x202000
                mov ecx, 64
                rep movsd
                mov ecx, 64
                xor esi, esi
                i: mov eax, [esi+0x200000]
                add [esi+0x201000], eax
                add esi, 4
                dec ecx
                jnz i
                jmp o
                """), BenchmarkGuest.MEMORY.protectedModeCode());
    }

    @Test
    void x87LoopMatchesItsSource() throws Exception {
        assertArrayEquals(nasm("""
                bits 16
                l: fld dword [0]
                fadd dword [4]
                fmul st0, st0
                fsqrt
                fstp dword [8]
                dec cx
                jnz l
                jmp l
                """), BenchmarkGuest.X87.realModeCode());
        assertArrayEquals(nasm("""
                bits 32
                l: fld dword [0x200000]
                fadd dword [0x200004]
                fmul st0, st0
                fsqrt
                fstp dword [0x200008]
                dec ecx
                jnz l
                jmp l
                """), BenchmarkGuest.X87.protectedModeCode());
    }

    @Test
    void x87LoopComputesTheExpectedValueInBothModes() {
        for (BenchmarkMachine.Mode mode : BenchmarkMachine.Mode.values()) {
            BenchmarkMachine m = new BenchmarkMachine(BenchmarkGuest.X87, mode);
            m.run(7000);
            CpuState s = m.cpu().saveState();
            assertTrue(s.instructionsRetired() >= 7000);
            assertEquals(0, s.fpu().statusWord() & 0x3F & ~0x20, mode + ": no x87 exception other than precision");
        }
    }
}
