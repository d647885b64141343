package org.quasivm.disk.ova;

import java.io.IOException;
import java.nio.file.Path;
import org.quasivm.disk.Cancellation;
import org.quasivm.disk.ProgressListener;
import org.quasivm.disk.convert.ConvertOptions;

/**
 * OVA/OVF import and export ({@code quasivm import} / {@code quasivm export}). The VM definition (OVF to
 * QuasiVM JSON) is made by the caller from {@link OvfAppliance}.
 */
public final class Appliances {
    private Appliances() {
    }

    /** Parses the envelope of an .ova or .ovf (no verification, no conversion). */
    public static OvfAppliance describe(Path source) throws IOException {
        return ApplianceImport.describe(source);
    }

    /**
     * Verifies the package against its manifest and converts every disk into {@code destDir} as
     * {@code <baseName>-diskN.<ext>} ({@code baseName} null: the appliance name, sanitised) in the target format.
     * Progress counts bytes extracted and converted.
     */
    public static ImportedAppliance importAppliance(Path source, Path destDir, String baseName, ConvertOptions target,
                                                    ProgressListener progress, Cancellation cancel)
            throws IOException {
        return ApplianceImport.run(source, destDir, baseName, target, progress, cancel);
    }

    /** Writes {@code ova}: OVF envelope, SHA-256 manifest, streamOptimized VMDKs. */
    public static void exportAppliance(ExportSpec spec, Path ova, ProgressListener progress, Cancellation cancel)
            throws IOException {
        ApplianceExport.run(spec, ova, progress, cancel);
    }
}
