package org.quasivm.vmm.cli;

import org.quasivm.vmm.config.Firmware;
import org.quasivm.vmm.config.FloppyDrive;
import org.quasivm.vmm.config.IdeSlot;
import org.quasivm.vmm.config.SerialPort;

/** One-line human descriptions of definition parts. */
final class Describe {

    private Describe() {
    }

    static String firmware(Firmware f) {
        if (f instanceof Firmware.Linux l) {
            return "Linux direct boot: " + l.kernel() + (l.initrd() == null ? "" : ", initrd " + l.initrd())
                    + (l.cmdline() == null || l.cmdline().isEmpty() ? "" : ", \"" + l.cmdline() + "\"");
        } else if (f instanceof Firmware.Custom c) {
            return "custom ROM " + c.rom();
        }
        Firmware.Seabios s = (Firmware.Seabios) f;
        return "SeaBIOS" + (s.bios() == null ? "" : " (" + s.bios() + ")");
    }

    static String ide(IdeSlot slot) {
        if (slot instanceof IdeSlot.Disk d) {
            return "disk " + d.image() + " (" + d.format().json() + (d.readOnly() ? ", read-only" : "") + ")";
        } else if (slot instanceof IdeSlot.Cdrom c) {
            return "CD-ROM" + (c.iso() == null ? ", empty" : " " + c.iso());
        }
        return "empty";
    }

    static String floppy(FloppyDrive drive) {
        if (drive instanceof FloppyDrive.Image i) {
            return i.image() + (i.readOnly() ? " (read-only)" : "");
        }
        return "empty";
    }

    static String serial(SerialPort port) {
        if (port instanceof SerialPort.File f) {
            return "file " + f.path();
        } else if (port instanceof SerialPort.Socket s) {
            return "socket " + s.path();
        } else if (port instanceof SerialPort.Stdio) {
            return "stdio";
        }
        return "none";
    }
}
