package org.quasivm.vmm.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DefinitionValidatorTest {

    @TempDir
    Path dir;

    static VmDefinition valid() {
        return new VmDefinition(1, "vm1", "2b1f8a4e-2c0e-4c55-9a53-2f6a3e1b7c10", "blank", null, 64,
                new VmDefinition.CpuConfig(ExecutorChoice.AUTO), new Firmware.Seabios(null, null),
                List.of(BootDevice.CDROM, BootDevice.DISK),
                new StorageConfig(new StorageConfig.Ide(new IdeSlot.Empty(), new IdeSlot.Empty(),
                        new IdeSlot.Cdrom(null), new IdeSlot.Empty()),
                        new StorageConfig.Floppy(new FloppyDrive.Empty(), new FloppyDrive.Empty())),
                new VmDefinition.DisplayConfig(16),
                new VmDefinition.SerialConfig(new SerialPort.None(), new SerialPort.None()),
                new VmDefinition.DebugConfig(true, true), ClockMode.REALTIME, null);
    }

    private List<String> problems(VmDefinition d) {
        return DefinitionValidator.validate(d, dir).stream().map(DefinitionProblem::toString).toList();
    }

    private static VmDefinition withFirmware(Firmware f) {
        VmDefinition v = valid();
        return new VmDefinition(1, v.name(), v.uuid(), v.guestOs(), null, v.memoryMiB(), v.cpu(), f, v.bootOrder(),
                v.storage(), v.display(), v.serial(), v.debug(), v.clock(), null);
    }

    private static VmDefinition withMemory(int mib) {
        VmDefinition v = valid();
        return new VmDefinition(1, v.name(), v.uuid(), v.guestOs(), null, mib, v.cpu(), v.firmware(), v.bootOrder(),
                v.storage(), v.display(), v.serial(), v.debug(), v.clock(), null);
    }

    @Test
    void aCompleteDefinitionHasNoProblems() {
        assertEquals(List.of(), problems(valid()));
    }

    @Test
    void negativeMemoryIsOutOfRange() {
        assertEquals(List.of("memoryMiB: -1 is out of range (1 to 3584)"), problems(withMemory(-1)));
    }

    @Test
    void oneMibOfMemoryIsValid() {
        assertEquals(List.of(), problems(withMemory(1)));
    }

    @Test
    void missingImageIsReportedWithThePathAsWritten() {
        VmDefinition v = valid();
        VmDefinition d = v.withStorage(new StorageConfig(new StorageConfig.Ide(
                new IdeSlot.Disk("disks/a.vmdk", ImageFormat.VMDK, false), new IdeSlot.Empty(),
                new IdeSlot.Empty(), new IdeSlot.Empty()), v.storage().floppy()));
        assertEquals(List.of("storage.ide.primaryMaster.image: file not found: disks/a.vmdk"), problems(d));
    }

    @Test
    void imagePathsResolveAgainstTheVmDirectory() throws Exception {
        Files.createDirectories(dir.resolve("disks"));
        Files.write(dir.resolve("disks/a.img"), new byte[512]);
        VmDefinition v = valid();
        VmDefinition d = v.withStorage(new StorageConfig(new StorageConfig.Ide(
                new IdeSlot.Disk("disks/a.img", ImageFormat.RAW, false), new IdeSlot.Empty(),
                new IdeSlot.Empty(), new IdeSlot.Empty()), v.storage().floppy()));
        assertEquals(List.of(), problems(d));
    }

    @Test
    void duplicateBootDeviceIsReported() {
        VmDefinition v = valid();
        VmDefinition d = new VmDefinition(1, v.name(), v.uuid(), v.guestOs(), null, 64, v.cpu(), v.firmware(),
                List.of(BootDevice.DISK, BootDevice.DISK), v.storage(), v.display(), v.serial(), v.debug(),
                v.clock(), null);
        assertEquals(List.of("bootOrder[1]: 'disk' appears twice"), problems(d));
    }

    @Test
    void customRomMustBeWholeSixtyFourKibUnits() throws Exception {
        Files.write(dir.resolve("rom.bin"), new byte[4096]);
        assertEquals(List.of("firmware.rom: rom.bin is 4096 bytes; a ROM must be 64, 128, 192 or 256 KiB"),
                problems(withFirmware(new Firmware.Custom("rom.bin", null))));
    }

    @Test
    void customRomLargerThan256KibIsRefused() throws Exception {
        Files.write(dir.resolve("rom.bin"), new byte[320 * 1024]);
        assertEquals(1, problems(withFirmware(new Firmware.Custom("rom.bin", null))).size());
    }

    @Test
    void customRomLoadAddressMustMatchItsMapping() throws Exception {
        Files.write(dir.resolve("rom.bin"), new byte[128 * 1024]);
        assertEquals(List.of(), problems(withFirmware(new Firmware.Custom("rom.bin", 0xFFFE0000L))));
        assertEquals(List.of(), problems(withFirmware(new Firmware.Custom("rom.bin", 0xE0000L))));
        assertTrue(problems(withFirmware(new Firmware.Custom("rom.bin", 0xF0000L))).get(0)
                .startsWith("firmware.loadAddress: 0xf0000 does not match"));
    }

    @Test
    void linuxFirmwareNeedsAKernel() {
        assertEquals(List.of("firmware.kernel: required field is missing"),
                problems(withFirmware(new Firmware.Linux(null, null, ""))));
    }

    @Test
    void badNameAndUuidAreReported() {
        VmDefinition v = valid();
        VmDefinition d = new VmDefinition(1, "../evil", "not-a-uuid", v.guestOs(), null, 64, v.cpu(), v.firmware(),
                v.bootOrder(), v.storage(), v.display(), v.serial(), v.debug(), v.clock(), null);
        List<String> p = problems(d);
        assertEquals(2, p.size());
        assertTrue(p.get(0).startsWith("name: '../evil' is not a valid VM name"));
        assertEquals("uuid: 'not-a-uuid' is not a UUID", p.get(1));
    }

    @Test
    void twoSerialPortsCannotShareStdio() {
        VmDefinition v = valid();
        VmDefinition d = new VmDefinition(1, v.name(), v.uuid(), v.guestOs(), null, 64, v.cpu(), v.firmware(),
                v.bootOrder(), v.storage(), v.display(),
                new VmDefinition.SerialConfig(new SerialPort.Stdio(), new SerialPort.Stdio()), v.debug(), v.clock(),
                null);
        assertEquals(List.of("serial.com2: only one serial port can use stdio"), problems(d));
    }

    @Test
    void vgaMemoryMustBeAPowerOfTwo() {
        VmDefinition v = valid();
        VmDefinition d = new VmDefinition(1, v.name(), v.uuid(), v.guestOs(), null, 64, v.cpu(), v.firmware(),
                v.bootOrder(), v.storage(), new VmDefinition.DisplayConfig(12), v.serial(), v.debug(), v.clock(),
                null);
        assertEquals(1, problems(d).size());
    }
}
