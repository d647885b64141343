package org.quasivm.exec.mmu;

/**
 * Two-level 32-bit paging (Intel SDM vol. 3, 4.3): 4 KiB pages and, with CR4.PSE, 4 MiB pages; global pages with
 * CR4.PGE; CR0.WP; accessed and dirty bits written back as the walk succeeds. PAE is not implemented (and not
 * advertised in CPUID).
 */
public final class PageWalker {
    /** #PF error code bits. */
    public static final int PF_PROTECTION = 1;
    public static final int PF_WRITE = 2;
    public static final int PF_USER = 4;
    public static final int PF_RESERVED = 8;

    public static final int CR0_WP = 1 << 16;
    public static final int CR4_PSE = 1 << 4;
    public static final int CR4_PGE = 1 << 7;

    private static final int P = 1;
    private static final int RW = 2;
    private static final int US = 4;
    private static final int A = 0x20;
    private static final int D = 0x40;
    private static final int PS = 0x80;
    private static final int G = 0x100;
    /** Bits 21:13 of a 4 MiB PDE must be zero without PSE-36. */
    private static final int LARGE_RESERVED = 0x003FE000;

    private final PhysicalBus bus;
    private long frame;
    private int perms;

    public PageWalker(PhysicalBus bus) {
        this.bus = bus;
    }

    /** Physical page address of the last successful walk. */
    public long frameAddress() {
        return frame;
    }

    /** {@link Tlb} permission bits of the last successful walk. */
    public int permissions() {
        return perms;
    }

    /**
     * Translates {@code la}. Returns -1 on success (see {@link #frameAddress()}/{@link #permissions()}), else the #PF
     * error code.
     */
    public int walk(int la, boolean write, boolean user, int cr0, int cr3, int cr4) {
        int faultBase = (write ? PF_WRITE : 0) | (user ? PF_USER : 0);
        long pdeAddr = bus.mask((cr3 & 0xFFFFF000L) | ((la >>> 22) << 2));
        int pde = (int) bus.read(pdeAddr, 4);
        if ((pde & P) == 0) {
            return faultBase;
        }
        boolean wp = (cr0 & CR0_WP) != 0;
        boolean pge = (cr4 & CR4_PGE) != 0;
        if ((cr4 & CR4_PSE) != 0 && (pde & PS) != 0) {
            if ((pde & LARGE_RESERVED) != 0) {
                return faultBase | PF_PROTECTION | PF_RESERVED;
            }
            int fault = check(pde, write, user, wp, faultBase);
            if (fault >= 0) {
                return fault;
            }
            int updated = pde | A | (write ? D : 0);
            if (updated != pde) {
                bus.write(pdeAddr, 4, updated);
            }
            frame = bus.mask((pde & 0xFFC00000L) | (la & 0x003FF000));
            perms = permissionBits(pde, updated, wp, pge);
            return -1;
        }
        long pteAddr = bus.mask((pde & 0xFFFFF000L) | (((la >>> 12) & 0x3FF) << 2));
        int pte = (int) bus.read(pteAddr, 4);
        if ((pte & P) == 0) {
            return faultBase;
        }
        int combined = pte & ~(RW | US) | (pte & pde & (RW | US));
        int fault = check(combined, write, user, wp, faultBase);
        if (fault >= 0) {
            return fault;
        }
        if ((pde & A) == 0) {
            bus.write(pdeAddr, 4, pde | A);
        }
        int updated = pte | A | (write ? D : 0);
        if (updated != pte) {
            bus.write(pteAddr, 4, updated);
        }
        frame = bus.mask(pte & 0xFFFFF000L);
        perms = permissionBits(combined, updated, wp, pge);
        return -1;
    }

    private static int check(int entry, boolean write, boolean user, boolean wp, int faultBase) {
        boolean writable = (entry & RW) != 0;
        if (user) {
            if ((entry & US) == 0 || (write && !writable)) {
                return faultBase | PF_PROTECTION;
            }
        } else if (write && !writable && wp) {
            return faultBase | PF_PROTECTION;
        }
        return -1;
    }

    private static int permissionBits(int combined, int finalEntry, boolean wp, boolean pge) {
        boolean u = (combined & US) != 0;
        boolean w = (combined & RW) != 0;
        int p = 0;
        if (u) {
            p |= Tlb.USER_READ;
            if (w) {
                p |= Tlb.USER_WRITE;
            }
        }
        if (w || !wp) {
            p |= Tlb.SUPERVISOR_WRITE;
        }
        if ((finalEntry & D) != 0) {
            p |= Tlb.DIRTY;
        }
        if (pge && (finalEntry & G) != 0) {
            p |= Tlb.GLOBAL;
        }
        return p;
    }
}
