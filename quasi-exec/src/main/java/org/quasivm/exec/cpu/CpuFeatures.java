package org.quasivm.exec.cpu;

/**
 * What the software CPU advertises in CPUID: an Intel P6-family part (family 6, model 5, a Pentium II class) with
 * only the features this interpreter implements. The optional parts depend on the machine (a local APIC) and on the
 * x87 unit being present.
 *
 * @param fpu  x87 present (CPUID.FPU, FXSR with it)
 * @param apic the machine provides a local APIC at the APIC base MSR address
 */
public record CpuFeatures(boolean fpu, boolean apic) {
    public static final int SIGNATURE = 0x0652;

    static final int EDX_FPU = 1, EDX_PSE = 1 << 3, EDX_TSC = 1 << 4, EDX_MSR = 1 << 5, EDX_CX8 = 1 << 8,
            EDX_APIC = 1 << 9, EDX_SEP = 1 << 11, EDX_MTRR = 1 << 12, EDX_PGE = 1 << 13, EDX_CMOV = 1 << 15,
            EDX_PAT = 1 << 16, EDX_FXSR = 1 << 24;

    /** CPUID.1:EDX. */
    public int featureEdx() {
        int edx = EDX_PSE | EDX_TSC | EDX_MSR | EDX_CX8 | EDX_SEP | EDX_MTRR | EDX_PGE | EDX_CMOV | EDX_PAT;
        if (fpu) {
            edx |= EDX_FPU | EDX_FXSR;
        }
        if (apic) {
            edx |= EDX_APIC;
        }
        return edx;
    }

    /** Fills eax, ebx, ecx, edx for a CPUID leaf. */
    public void query(int leaf, int[] out) {
        int maxBasic = 2;
        if (leaf >= 0 && leaf > maxBasic) {
            leaf = maxBasic;
        } else if (leaf < 0 && Integer.compareUnsigned(leaf, 0x80000004) > 0) {
            leaf = maxBasic;
        }
        switch (leaf) {
            case 0 -> set(out, maxBasic, ascii("Genu"), ascii("ntel"), ascii("ineI"));
            case 1 -> set(out, SIGNATURE, 0, 0, featureEdx());
            // Cache/TLB descriptors of a Pentium II: 16K L1 I/D, 512K L2, TLBs (one iteration).
            case 2 -> set(out, 0x03020101, 0, 0, 0x0C040843);
            case 0x80000000 -> set(out, 0x80000004, 0, 0, 0);
            case 0x80000001 -> set(out, 0, 0, 0, 0);
            case 0x80000002, 0x80000003, 0x80000004 -> brand(leaf - 0x80000002, out);
            default -> set(out, 0, 0, 0, 0);
        }
    }

    private static final String BRAND = "QuasiVM software i686 CPU";

    private static void brand(int part, int[] out) {
        byte[] b = new byte[48];
        byte[] s = BRAND.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        System.arraycopy(s, 0, b, 0, s.length);
        for (int r = 0; r < 4; r++) {
            int o = part * 16 + r * 4;
            out[r] = (b[o] & 0xFF) | (b[o + 1] & 0xFF) << 8 | (b[o + 2] & 0xFF) << 16 | (b[o + 3] & 0xFF) << 24;
        }
    }

    private static void set(int[] out, int a, int b, int c, int d) {
        out[0] = a;
        out[1] = b;
        out[2] = c;
        out[3] = d;
    }

    private static int ascii(String four) {
        return four.charAt(0) | four.charAt(1) << 8 | four.charAt(2) << 16 | four.charAt(3) << 24;
    }
}
