package org.quasivm.vmm.testguests;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The device test guests in {@code vmm-core/src/test/guests}: NASM sources, the committed ROMs built from them and
 * the serial output each must print ({@code NAME.expected}, LF line endings). See the README there.
 */
enum TestGuest {
    SERIAL("serial", QemuPeer.Timing.INSTRUCTION_COUNTED),
    PIT("pit", QemuPeer.Timing.INSTRUCTION_COUNTED),
    RTC("rtc", QemuPeer.Timing.INSTRUCTION_COUNTED),
    /** Waits for keys in HLT: QEMU with -icount does not wake a halted CPU for monitor input, so host time. */
    KEYBOARD("keyboard", QemuPeer.Timing.HOST),
    VGA_TEXT("vga-text", QemuPeer.Timing.INSTRUCTION_COUNTED),
    VGA_MODE13("vga-mode13", QemuPeer.Timing.INSTRUCTION_COUNTED),
    VGA_PLANAR("vga-planar", QemuPeer.Timing.INSTRUCTION_COUNTED),
    VGA_MODEX("vga-modex", QemuPeer.Timing.INSTRUCTION_COUNTED),
    PM32("pm32", QemuPeer.Timing.INSTRUCTION_COUNTED);

    private final String stem;
    private final QemuPeer.Timing timing;

    TestGuest(String stem, QemuPeer.Timing timing) {
        this.stem = stem;
        this.timing = timing;
    }

    String stem() {
        return stem;
    }

    QemuPeer.Timing timing() {
        return timing;
    }

    Path source() {
        return directory().resolve(stem + ".asm");
    }

    Path rom() {
        return directory().resolve(stem + ".bin");
    }

    String expectedSerial() {
        try {
            return Files.readString(directory().resolve(stem + ".expected"), StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The guests' directory: from the repository root surefire passes, or from the module directory. */
    static Path directory() {
        String root = System.getProperty("quasivm.repo.root");
        Path base = root != null && !root.isBlank() ? Path.of(root, "vmm-core") : Path.of("").toAbsolutePath();
        Path dir = base.resolve("src/test/guests");
        if (!Files.isDirectory(dir)) {
            throw new IllegalStateException("test guests not found at " + dir);
        }
        return dir;
    }

    static Path commonIncludes() {
        return directory().resolve("common");
    }
}
