package org.quasivm.exec.bench;

/**
 * The guest loops the CPU benchmark runs, as machine code (the NASM sources are in the comments; a test assembles
 * them and compares). Every loop is endless: the benchmark stops it by instruction budget.
 */
public enum BenchmarkGuest {
    /**
     * Integer ALU loop, 7 instructions per iteration. The same bytes are 16-bit code in real mode and 32-bit code in
     * protected mode.
     * <pre>
     * l: add eax, ebx / xor esi, eax / inc edi / mov edx, eax / shr edx, 3 / sub ecx, 1 / jnz l / jmp l
     * </pre>
     */
    INTEGER(hex("01D8 31C6 47 89C2 C1EA03 83E901 75F1 EBEF"), hex("01D8 31C6 47 89C2 C1EA03 83E901 75F1 EBEF")),

    /**
     * Memory and string loop: copy 64 units with REP MOVS, then 64 iterations of load / add-to-memory / advance.
     * <pre>
     * 32-bit:  o: mov esi, 0x200000 / mov edi, 0x202000 / mov ecx, 64 / rep movsd / mov ecx, 64 / xor esi, esi
     *          i: mov eax, [esi+0x200000] / add [esi+0x201000], eax / add esi, 4 / dec ecx / jnz i / jmp o
     * 16-bit:  o: mov si, 0 / mov di, 0x2000 / mov cx, 64 / rep movsw / mov cx, 64 / xor si, si
     *          i: mov ax, [si] / add [si+0x1000], ax / add si, 2 / dec cx / jnz i / jmp o
     * </pre>
     */
    MEMORY(hex("BE0000 BF0020 B94000 F3A5 B94000 31F6 8B04 01840010 83C602 49 75F4 EBE2"),
            hex("BE00002000 BF00202000 B940000000 F3A5 B940000000 31F6 8B8600002000 018600102000 83C604 49 75EE"
                    + " EBD4")),

    /**
     * x87 loop, 7 instructions per iteration (a = 2.0, b = 0.5 in memory at data offsets 0 and 4).
     * <pre>
     * l: fld dword [a] / fadd dword [b] / fmul st0, st0 / fsqrt / fstp dword [c] / dec ecx / jnz l / jmp l
     * 16-bit: [0] [4] [8] relative to DS; 32-bit: 0x200000, 0x200004, 0x200008
     * </pre>
     */
    X87(hex("D9060000 D8060400 DCC8 D9FA D91E0800 49 75ED EBEB"),
            hex("D90500002000 D80504002000 DCC8 D9FA D91D08002000 49 75E7 EBE5"));

    private final byte[] realMode;
    private final byte[] protectedMode;

    BenchmarkGuest(byte[] realMode, byte[] protectedMode) {
        this.realMode = realMode;
        this.protectedMode = protectedMode;
    }

    /** 16-bit code for real mode (DS = data segment). */
    public byte[] realModeCode() {
        return realMode.clone();
    }

    /** 32-bit code for flat protected mode (data at 0x200000). */
    public byte[] protectedModeCode() {
        return protectedMode.clone();
    }

    static byte[] hex(String s) {
        String h = s.replace(" ", "");
        byte[] b = new byte[h.length() / 2];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) Integer.parseInt(h.substring(2 * i, 2 * i + 2), 16);
        }
        return b;
    }
}
