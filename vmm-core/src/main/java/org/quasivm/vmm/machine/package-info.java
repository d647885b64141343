/**
 * The board and the machine.
 *
 * <h2>Using it (what {@code quasivm run} needs)</h2>
 * <pre>
 *   BoardConfig config = BoardConfig.builder(ramBytes, FirmwareImages.seaBios(path))   // or .linux(...), .customRom(...)
 *           .clock(ClockMode.REALTIME).com1(new StdioSerialBackend()).plug(new StdVgaPlug(16, vgaBios))
 *           .cmosFile(vmDir.resolve("cmos.bin")).firmwareLog(log::info).postCodes(code -> ...).build();
 *   Machine machine = Machine.create(config, SoftwareExecutor::new, vmName);
 *   machine.start();
 *   machine.pause() / resume() / reset() / powerOff() / pressPowerButton()   // typed replies
 *   machine.inspect(board -> plug.renderer().frame())                         // screenshots, on the VM thread
 *   machine.board().input().keyDown(PcKey.A)                                 // from any thread
 *   machine.awaitStop(timeout)                                                // why it stopped
 * </pre>
 * Expect-serial: wrap COM1's backend in a {@link org.quasivm.vmm.devices.uart.TeeSerialBackend} with a
 * {@link org.quasivm.vmm.devices.uart.SerialTranscript} and call {@code awaitMatch}; the last POST code is
 * {@code board.postCodes().lastCode()} (read it through {@code inspect} or after the machine stopped).
 *
 * <h2>Firmware</h2>
 * SeaBIOS images from Debian's {@code seabios} package (bios-256k.bin, else bios.bin), custom ROMs of n × 64 KiB
 * up to 256 KiB, or direct Linux boot ({@link org.quasivm.vmm.machine.LinuxBootLoader}): the bzImage's 32-bit
 * boot protocol with boot_params, an E820 map and the command line; PCI interrupts are routed as SeaBIOS would.
 * Direct boot provides minimal SMBIOS tables (types 0, 1, 127) but no ACPI tables: the kernel notes the missing
 * RSDP and runs without ACPI (comparisons with QEMU should pass {@code acpi=off} to both).
 */
package org.quasivm.vmm.machine;
