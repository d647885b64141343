package org.quasivm.disk.fuzz;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Locale;
import org.quasivm.disk.CreateOptions;
import org.quasivm.disk.DiskImage;
import org.quasivm.disk.DiskImageException;
import org.quasivm.disk.DiskImages;
import org.quasivm.disk.ImageFormat;
import org.quasivm.disk.vmdk.VmdkDescriptor;

/**
 * One fuzz target for every header and metadata parser of the module (Jazzer fuzzes one target per JVM, so
 * the bounded run in {@code mvn verify} shares one JVM): the first input byte picks the parser. Set the system
 * property {@code quasivm.fuzz.target} (qcow2, vmdk, stream, vhd, vdi, descriptor, ova, manifest) to fuzz just one, e.g.
 * in the longer run described in README.md, which uses {@link #fuzzerTestOneInput}.
 */
public class DiskMetadataFuzzTest {
    private static final List<String> TARGETS = List.of("qcow2", "vmdk", "stream", "vhd", "vdi", "descriptor", "ova",
            "manifest");
    private static final String PINNED = System.getProperty("quasivm.fuzz.target", "").toLowerCase(Locale.ROOT);
    private static FuzzHarness qcow2;
    private static FuzzHarness vmdk;
    private static FuzzHarness stream;
    private static FuzzHarness vhd;
    private static FuzzHarness vdi;

    @FuzzTest(maxDuration = "40s")
    void headerAndMetadataParsers(FuzzedDataProvider data) throws Exception {
        fuzzerTestOneInput(data);
    }

    /** Entry point for the standalone Jazzer driver (longer runs). */
    public static void fuzzerTestOneInput(FuzzedDataProvider data) throws Exception {
        String target = PINNED.isEmpty() ? TARGETS.get(data.consumeInt(0, TARGETS.size() - 1)) : PINNED;
        switch (target) {
            case "qcow2" -> qcow2().run(data);
            case "vmdk" -> vmdk().run(data);
            case "stream" -> stream().run(data);
            case "vhd" -> vhd().run(data);
            case "vdi" -> vdi().run(data);
            case "descriptor" -> descriptor(data.consumeRemainingAsBytes());
            case "ova" -> org.quasivm.disk.ova.OvaFuzzHooks.describe(scratch(), data.consumeRemainingAsBytes());
            case "manifest" -> org.quasivm.disk.ova.OvaFuzzHooks.manifest(data.consumeRemainingAsBytes());
            default -> throw new IllegalArgumentException("unknown fuzz target " + target);
        }
    }

    private static java.nio.file.Path scratch;

    private static synchronized java.nio.file.Path scratch() throws java.io.IOException {
        if (scratch == null) {
            java.nio.file.Path d = Files.createTempDirectory("quasivm-fuzz-ova-");
            d.toFile().deleteOnExit();
            scratch = d.resolve("f.ova");
        }
        return scratch;
    }

    private static synchronized FuzzHarness qcow2() {
        if (qcow2 == null) {
            qcow2 = new FuzzHarness("f.qcow2", ImageFormat.QCOW2, FuzzHarness.template("t.qcow2", p -> {
                try (DiskImage d = DiskImages.create(p, CreateOptions.of(ImageFormat.QCOW2, 1 << 20))) {
                    d.write(70_000, ByteBuffer.wrap(new byte[] {1, 2, 3, 4}));
                }
            }));
        }
        return qcow2;
    }

    private static synchronized FuzzHarness vmdk() {
        if (vmdk == null) {
            vmdk = new FuzzHarness("f.vmdk", ImageFormat.VMDK, FuzzHarness.template("f.vmdk", p -> {
                try (DiskImage d = DiskImages.create(p, CreateOptions.of(ImageFormat.VMDK, 1 << 20))) {
                    d.write(70_000, ByteBuffer.wrap(new byte[] {1, 2, 3, 4}));
                }
            }));
        }
        return vmdk;
    }

    private static synchronized FuzzHarness stream() {
        if (stream == null) {
            stream = new FuzzHarness("f.vmdk", ImageFormat.VMDK, FuzzHarness.template("f.vmdk", p -> {
                try (DiskImage d = DiskImages.create(p, CreateOptions.of(ImageFormat.VMDK, "streamOptimized",
                        1 << 20))) {
                    d.write(0, ByteBuffer.wrap("hello hello hello ".repeat(300).getBytes()));
                    d.write(200_000, ByteBuffer.wrap(new byte[] {9, 8, 7}));
                }
            }));
        }
        return stream;
    }

    private static synchronized FuzzHarness vhd() {
        if (vhd == null) {
            vhd = new FuzzHarness("f.vhd", ImageFormat.VHD, FuzzHarness.template("p.vhd", p -> {
                DiskImages.create(p, CreateOptions.of(ImageFormat.VHD, 6 << 20)).close();
                java.nio.file.Path c = p.resolveSibling("f.vhd");
                DiskImages.create(c, CreateOptions.childOf(ImageFormat.VHD, p)).close();
                Files.move(c, p, StandardCopyOption.REPLACE_EXISTING);
            }));
        }
        return vhd;
    }

    private static synchronized FuzzHarness vdi() {
        if (vdi == null) {
            vdi = new FuzzHarness("f.vdi", ImageFormat.VDI, FuzzHarness.template("f.vdi",
                    p -> DiskImages.create(p, CreateOptions.of(ImageFormat.VDI, 5 << 20)).close()));
        }
        return vdi;
    }

    private static void descriptor(byte[] b) {
        try {
            VmdkDescriptor d = VmdkDescriptor.parse(null, b, b.length);
            d.cid(null);
            d.parentCid(null);
            d.parentFileNameHint();
            VmdkDescriptor e = d.withCid(0x1234).withParent(5, "p.vmdk").with("parentFileNameHint", null, true);
            VmdkDescriptor.parse(null, e.bytes(), e.bytes().length);
        } catch (DiskImageException expected) {
            // bad descriptor, clearly reported
        }
    }
}
