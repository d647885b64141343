package org.quasivm.disk.ova;

import java.nio.file.Path;
import java.util.List;

/**
 * The result of an import: the appliance description and the converted disk images (in {@link OvfAppliance#disks()}
 * order), plus every warning (from the envelope and from verification).
 */
public record ImportedAppliance(OvfAppliance appliance, List<Path> diskImages, List<String> warnings) {
    public ImportedAppliance {
        diskImages = List.copyOf(diskImages);
        warnings = List.copyOf(warnings);
    }
}
