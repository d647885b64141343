package org.quasivm.vmm.machine;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * A Linux bzImage as the x86 boot protocol 2.x describes it (Documentation/arch/x86/boot.rst): the real-mode setup
 * (boot sector plus {@code setup_sects} sectors) carrying the setup header at 1F1h, followed by the protected-mode
 * kernel that is loaded at 1 MiB. Only what direct 32-bit boot needs is read; everything is validated because the
 * file comes from the user.
 */
public final class BzImage {

    static final int SETUP_SECTS = 0x1F1;
    static final int BOOT_FLAG = 0x1FE;
    static final int HEADER_MAGIC = 0x202;
    static final int VERSION = 0x206;
    static final int LOADFLAGS = 0x211;
    static final int CODE32_START = 0x214;
    static final int INITRD_ADDR_MAX = 0x22C;
    static final int KERNEL_ALIGNMENT = 0x230;
    static final int RELOCATABLE = 0x234;
    static final int CMDLINE_SIZE = 0x238;
    static final int PREF_ADDRESS = 0x258;
    static final int INIT_SIZE = 0x260;
    static final int HDRS = 0x5372_6448; // "HdrS"
    static final int LOADED_HIGH = 0x01;
    /** Oldest protocol with cmd_line_ptr: what a 32-bit entry needs. */
    static final int MIN_VERSION = 0x0202;

    private final String name;
    private final byte[] file;
    private final int version;
    private final int setupBytes;
    private final long initrdAddrMax;
    private final int cmdlineSize;
    private final long initSize;
    private final long code32Start;
    private final long runtimeStart;

    private BzImage(String name, byte[] file, int version, int setupBytes, long initrdAddrMax, int cmdlineSize,
                    long initSize, long code32Start, long runtimeStart) {
        this.name = name;
        this.file = file;
        this.version = version;
        this.setupBytes = setupBytes;
        this.initrdAddrMax = initrdAddrMax;
        this.cmdlineSize = cmdlineSize;
        this.initSize = initSize;
        this.code32Start = code32Start;
        this.runtimeStart = runtimeStart;
    }

    /**
     * Parses {@code file} (named {@code name} in errors).
     *
     * @throws IllegalArgumentException naming the file and the field when it is not a usable bzImage
     */
    public static BzImage parse(String name, byte[] file) {
        if (file.length < 0x400) {
            throw bad(name, "file", "too short for a setup header (" + file.length + " bytes)");
        }
        ByteBuffer b = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
        if ((b.getShort(BOOT_FLAG) & 0xFFFF) != 0xAA55) {
            throw bad(name, "boot_flag", "missing 55AAh: not a Linux kernel image");
        }
        if (b.getInt(HEADER_MAGIC) != HDRS) {
            throw bad(name, "header", "no \"HdrS\" signature: boot protocol before 2.00 is not supported");
        }
        int version = b.getShort(VERSION) & 0xFFFF;
        if (version < MIN_VERSION) {
            throw bad(name, "version", String.format("boot protocol %d.%02d is too old (need 2.02)",
                    version >> 8, version & 0xFF));
        }
        if ((file[LOADFLAGS] & LOADED_HIGH) == 0) {
            throw bad(name, "loadflags", "a zImage (loaded below 1 MiB) is not supported; use a bzImage");
        }
        int sects = file[SETUP_SECTS] & 0xFF;
        if (sects == 0) {
            sects = 4;
        }
        int setupBytes = (sects + 1) * 512;
        if (setupBytes >= file.length) {
            throw bad(name, "setup_sects", sects + " setup sectors leave no protected-mode kernel");
        }
        long initrdMax = version >= 0x0203 ? b.getInt(INITRD_ADDR_MAX) & 0xFFFF_FFFFL : 0x37FF_FFFFL;
        int cmdline = version >= 0x0206 ? b.getInt(CMDLINE_SIZE) : 255;
        if (cmdline <= 0 || cmdline > 1 << 20) {
            cmdline = 255; // nonsense: fall back to the old limit
        }
        long kernelBytes = file.length - setupBytes;
        // before 2.10 the kernel does not say: assume it decompresses to four times its size, in place
        long initSize = version >= 0x020A ? b.getInt(INIT_SIZE) & 0xFFFF_FFFFL : 4 * kernelBytes;
        long code32 = b.getInt(CODE32_START) & 0xFFFF_FFFFL;
        if (code32 != 0x10_0000L) {
            throw bad(name, "code32_start", String.format("%#x: only kernels entered at 1 MiB are supported",
                    code32));
        }
        // where the kernel runs while it decompresses: a relocatable kernel moves up to its preferred address
        // (never lower than its alignment allows), others run where they are loaded
        long runtime = code32;
        if (version >= 0x020A) {
            long preferred = b.getLong(PREF_ADDRESS);
            long align = b.getInt(KERNEL_ALIGNMENT) & 0xFFFF_FFFFL;
            boolean relocatable = file[RELOCATABLE] != 0;
            if (relocatable && align != 0 && Long.bitCount(align) == 1) {
                runtime = Math.max((code32 + align - 1) & -align, preferred);
            } else {
                runtime = preferred;
            }
            if (runtime < code32 || runtime > 0xFFFF_FFFFL) {
                throw bad(name, "pref_address", String.format("%#x is not a usable load address", runtime));
            }
        }
        return new BzImage(name, file, version, setupBytes, initrdMax, cmdline,
                Math.max(initSize, kernelBytes), code32, runtime);
    }

    private static IllegalArgumentException bad(String name, String field, String why) {
        return new IllegalArgumentException(name + ": bzImage " + field + ": " + why);
    }

    public String name() {
        return name;
    }

    /** Boot protocol version, e.g. 0x020F for 2.15. */
    public int protocolVersion() {
        return version;
    }

    /** Highest address the initrd's last byte may occupy. */
    public long initrdAddrMax() {
        return initrdAddrMax;
    }

    /** Longest command line, excluding the terminating zero. */
    public int commandLineLimit() {
        return cmdlineSize;
    }

    /** Bytes the kernel needs from its runtime start while it decompresses and initialises (boot protocol 2.10). */
    public long initSize() {
        return initSize;
    }

    /** Where the kernel runs while decompressing (its preferred address, for relocatable kernels). */
    public long runtimeStart() {
        return runtimeStart;
    }

    /** The first byte after everything the kernel occupies before it reads the memory map. */
    public long memoryEnd() {
        return Math.max(code32Start + (file.length - setupBytes), runtimeStart + initSize);
    }

    public long entryPoint() {
        return code32Start;
    }

    /** The protected-mode kernel, loaded at {@link #entryPoint()}. */
    public byte[] protectedModeKernel() {
        return Arrays.copyOfRange(file, setupBytes, file.length);
    }

    /** The setup header bytes from 1F1h to its end (202h + the byte at 201h), copied into boot_params. */
    public byte[] setupHeader() {
        int end = Math.min(0x202 + (file[0x201] & 0xFF), Math.min(setupBytes, 0x280));
        return Arrays.copyOfRange(file, SETUP_SECTS, end);
    }
}
