package org.quasivm.vmm.registry;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.quasivm.vmm.config.DefinitionValidator;
import org.quasivm.vmm.config.Firmware;
import org.quasivm.vmm.config.FloppyDrive;
import org.quasivm.vmm.config.IdeSlot;
import org.quasivm.vmm.config.StorageConfig;
import org.quasivm.vmm.config.VmDefinition;

/** The host files a definition refers to: images, ISOs, floppies, kernel, initrd, ROMs. */
final class DefinitionFiles {

    private DefinitionFiles() {
    }

    static List<Path> referenced(VmDefinition def, Path vmDir) {
        List<String> paths = new ArrayList<>();
        if (def.firmware() instanceof Firmware.Seabios s) {
            paths.add(s.bios());
            paths.add(s.vgaBios());
        } else if (def.firmware() instanceof Firmware.Linux l) {
            paths.add(l.kernel());
            paths.add(l.initrd());
        } else if (def.firmware() instanceof Firmware.Custom c) {
            paths.add(c.rom());
        }
        StorageConfig.Ide ide = def.storage().ide();
        for (IdeSlot slot : new IdeSlot[] {ide.primaryMaster(), ide.primarySlave(), ide.secondaryMaster(),
                ide.secondarySlave()}) {
            if (slot instanceof IdeSlot.Disk d) {
                paths.add(d.image());
            } else if (slot instanceof IdeSlot.Cdrom c) {
                paths.add(c.iso());
            }
        }
        for (FloppyDrive f : new FloppyDrive[] {def.storage().floppy().a(), def.storage().floppy().b()}) {
            if (f instanceof FloppyDrive.Image i) {
                paths.add(i.image());
            }
        }
        return paths.stream().filter(p -> p != null && !p.isBlank())
                .map(p -> DefinitionValidator.resolve(vmDir, p)).distinct().toList();
    }
}
