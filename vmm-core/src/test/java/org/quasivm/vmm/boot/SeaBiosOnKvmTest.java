package org.quasivm.vmm.boot;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.quasivm.exec.kvm.KvmExecutor;
import org.quasivm.nativehelper.kvm.Kvm;
import org.quasivm.nativehelper.probe.HostProbe;
import org.quasivm.nativehelper.probe.KvmStatus;
import org.quasivm.vmm.clock.ClockMode;
import org.quasivm.vmm.devices.vga.VgaPlug;
import org.quasivm.vmm.display.TextScreen;
import org.quasivm.vmm.machine.BoardConfig;
import org.quasivm.vmm.machine.FirmwareImages;
import org.quasivm.vmm.machine.Machine;

/** SeaBIOS and its VGA BIOS under KVM, on our board and devices: the POST banner appears on our VGA's text screen. */
class SeaBiosOnKvmTest {

    @Test
    void seaBiosBannerAppearsOnTheVgaScreenUnderKvm() throws Exception {
        KvmStatus kvm = HostProbe.probeKvm(Kvm.DEVICE);
        assumeTrue(kvm.usable(), "KVM tests skipped: " + kvm.reason());
        Path bios = FirmwareImages.findSeaBios().orElseThrow(
                () -> new AssertionError("SeaBIOS not found: install the Debian package seabios (scripts/test does)"));
        Path vgaBios = FirmwareImages.findVgaBios().orElseThrow(
                () -> new AssertionError("vgabios-stdvga.bin not found: install the Debian package seabios"));
        VgaPlug plug = new VgaPlug(16, Files.readAllBytes(vgaBios));
        BoardConfig config = BoardConfig.builder(64L << 20, FirmwareImages.seaBios(bios))
                .clock(ClockMode.REALTIME).plug(plug).build();
        try (Machine machine = Machine.create(config, KvmExecutor::new, "seabios-kvm")) {
            machine.start();
            Optional<TextScreen> screen = Optional.empty();
            long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
            while (System.nanoTime() < deadline) {
                screen = machine.inspect(board -> plug.renderer().textScreen()).get(1, TimeUnit.MINUTES);
                if (screen.isPresent() && screen.get().contains("SeaBIOS (version")) {
                    break;
                }
                Thread.sleep(100);
            }
            assertTrue(screen.isPresent() && screen.get().contains("SeaBIOS (version"), "no banner under KVM ("
                    + machine.state() + ", " + machine.stopReason() + "); screen:\n"
                    + screen.map(TextScreen::toString).orElse("(graphics)"));
        }
    }
}
