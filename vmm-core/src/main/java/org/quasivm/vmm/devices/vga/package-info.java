/**
 * The VGA adapter: IBM VGA registers and planar memory, the Bochs VBE DISPI extensions with a linear framebuffer,
 * QEMU's standard-VGA PCI function (1234:1111), and the renderer that turns all of it into frames.
 *
 * <h2>Wiring (the board owns the addresses)</h2>
 * {@link org.quasivm.vmm.devices.vga.VgaPlug} does all of this as a board plug; by hand:
 * <ul>
 *   <li>{@link org.quasivm.vmm.devices.vga.Vga#ioPorts()} at I/O 3B0h, {@code IO_PORTS_LENGTH} ports, byte wide;</li>
 *   <li>{@link org.quasivm.vmm.devices.vga.Vga#dispiPorts()} at I/O 1CEh, {@code DISPI_PORTS_LENGTH} ports, any
 *       width (16-bit accesses);</li>
 *   <li>{@link org.quasivm.vmm.devices.vga.Vga#legacyWindow()} on the MMIO bus at A0000h, 128 KiB;</li>
 *   <li>{@link org.quasivm.vmm.devices.vga.StdVgaPci} on the PCI bus (QEMU puts it at 00:02.0) with the bytes of
 *       {@code vgabios-stdvga.bin} (Debian: {@code /usr/share/seabios/}) as its expansion ROM; BAR 0 makes the
 *       framebuffer a host-backed region the CPU writes directly;</li>
 *   <li>{@link org.quasivm.vmm.devices.vga.VgaRenderer} as the {@link org.quasivm.vmm.display.DisplaySource},
 *       refreshed from the VM thread (it reads the virtual clock for blinking);</li>
 *   <li>{@link org.quasivm.vmm.devices.vga.Vga#reset()} on machine reset.</li>
 * </ul>
 *
 * <h2>Memory model</h2>
 * Video memory (1-256 MiB, a power of two; QEMU's default 16) is one direct buffer: the linear framebuffer, whose
 * first 256 KiB hold the four 64 KiB planes interleaved (plane p of offset o at byte 4o+p). CPU accesses through
 * the window follow the IBM VGA: chain-4 and odd/even take the plane from the low address bits and replace them
 * with higher ones (bits 14-15, bit 16), and the CRTC applies word/doubleword addressing when it scans out. So a
 * program that writes memory in one mode and reads or shows it in another sees what it would on a VGA.
 *
 * <h2>Comparing with QEMU's {@code screendump}</h2>
 * QEMU's monitor command {@code screendump FILE} writes a binary PPM (read it with
 * {@link org.quasivm.vmm.display.PpmImage}) of the active display area, the same area and size as our frames:
 * 720×400 for 80×25 and 80×50 text, 640×400 for mode 13h and mode X, 640×480 for mode 12h, XRES×YRES for Bochs
 * VBE modes; no border. Known differences, to allow for when comparing (see {@code QemuTextScreenComparisonTest}):
 * <ul>
 *   <li>6-bit DAC levels: QEMU widens v to {@code v << 2 | (v & 1) * 3} (2Ah becomes A8h), we round
 *       {@code v × 255 / 63} (2Ah becomes AAh); both keep v in the top 6 bits, so compare {@code rgb & 0xFCFCFC}.
 *       15/16-bit modes: QEMU shifts 5-bit components left by 3 (1Fh becomes F8h), we round (FFh); compare the
 *       top 5 (green of 565: 6) bits. 24/32-bit and 8-bit-DAC colours are exact.</li>
 *   <li>The ninth dot of 9-dot text: we repeat the eighth for C0h-DFh as the IBM VGA does; QEMU does it for
 *       B0h-DFh, so the shade characters B0h-B2h differ in that column.</li>
 *   <li>40-column text: QEMU draws 16-dot cells (640 wide), we draw 18-dot ones (720), as the 9-dot font at half
 *       dot clock is.</li>
 *   <li>Cursor and blink: QEMU blinks on its own timer; we blink every 8 (cursor) and 16 (characters) frames of
 *       the CRTC's timing on the guest clock. Turn the cursor off or leave its cell out.</li>
 *   <li>QEMU ignores the DAC pixel mask (3C6h), pixel panning in text modes and the underline attribute; we
 *       apply them (they matter only when a guest sets them).</li>
 *   <li>Before the guest sets a mode QEMU shows a 640×480 message; we show 640×480 black.</li>
 * </ul>
 *
 * <h2>Not implemented</h2>
 * The vertical retrace interrupt (CR11 bits 4-5; QEMU has none either), the light pen, an EDID block in the MMIO
 * BAR (it reads as zeros, like QEMU with {@code edid=off}), the big-endian framebuffer switch, and the ISA
 * variant's fixed framebuffer at E0000000h.
 */
package org.quasivm.vmm.devices.vga;
