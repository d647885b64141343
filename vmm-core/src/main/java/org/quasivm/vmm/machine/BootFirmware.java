package org.quasivm.vmm.machine;

import java.util.Objects;

/** What the machine runs first. Images are already read and validated ({@link FirmwareImages}). */
public sealed interface BootFirmware {

    /** A BIOS ROM (SeaBIOS, or a custom ROM) mapped to end at 4 GiB; the CPU starts at its reset vector. */
    record Rom(String name, byte[] image) implements BootFirmware {
        public Rom {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(image, "image");
            image = image.clone();
        }

        @Override
        public byte[] image() {
            return image.clone();
        }
    }

    /**
     * Direct Linux boot, no BIOS: the machine loads the bzImage and initrd itself and enters the kernel's 32-bit
     * entry point.
     */
    record Linux(BzImage kernel, byte[] initrd, String commandLine) implements BootFirmware {
        public Linux {
            Objects.requireNonNull(kernel, "kernel");
            Objects.requireNonNull(commandLine, "commandLine");
            initrd = initrd == null ? null : initrd.clone();
        }

        @Override
        public byte[] initrd() {
            return initrd == null ? null : initrd.clone();
        }
    }
}
