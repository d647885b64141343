package org.quasivm.vmm.machine;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import org.quasivm.vmm.devices.acpi.Piix4Pm;
import org.quasivm.vmm.devices.rtc.Rtc146818;

/**
 * ACPI 1.0 tables for boots without a BIOS (which would otherwise build them, as SeaBIOS does for QEMU): the RSDP the
 * kernel finds by scanning E0000h-FFFFFh, an RSDT, a FADT describing the PIIX4 power-management block (PM timer,
 * PM1 event/control, GPE0, the SCI on IRQ 9, ACPI mode switched through SMI_CMD B2h), a FACS, and a DSDT with
 * {@code \_S5} (so the guest can power off) and the PCI host bridge. Without them Linux reports "ACPI BIOS Error ...
 * RSDP" and has neither the PM timer nor ACPI power-off.
 */
final class AcpiTables {

    /** Where firmware-style setup puts the PIIX4 PM I/O block (SeaBIOS's PORT_ACPI_PM_BASE). */
    static final int PM_IO_BASE = 0x600;
    static final int SMI_COMMAND_PORT = 0xB2;
    static final int ACPI_ENABLE = 0xF1;
    static final int ACPI_DISABLE = 0xF0;

    static final int RSDP_OFFSET = 0x000;
    static final int FACS_OFFSET = 0x040;   // 64-byte aligned
    static final int RSDT_OFFSET = 0x080;
    static final int FADT_OFFSET = 0x100;
    static final int DSDT_OFFSET = 0x200;
    /** Bytes the tables occupy from the base they are installed at. */
    static final int SIZE = 0x300;

    private static final int HEADER = 36;
    private static final int FADT_LENGTH = 116;
    private static final int FACS_LENGTH = 64;
    // FADT flags: WBINVD works, C1 is supported on all processors, the sleep button is not a fixed feature.
    private static final int FADT_FLAGS = 1 | (1 << 2) | (1 << 5);
    /** DefinitionBlock body, first part: Name (\_S5, Package (4) { 0, 0, 0, 0 }) — PIIX4's SLP_TYP for S5 is 0. */
    private static final byte[] S5_AML = {
        0x08, 0x5C, '_', 'S', '5', '_', 0x12, 0x06, 0x04, 0x00, 0x00, 0x00, 0x00};
    /** The top of the PCI memory window (QEMU's i440FX leaves FEC00000h up for the I/O APIC and the firmware). */
    static final long PCI_MEMORY_END = 0xFEBF_FFFFL;

    private AcpiTables() {
    }

    /**
     * Writes the tables into {@code rom} at {@code offset}; {@code rom[0]} is guest-physical {@code romBase}; PCI
     * memory may be placed from {@code pciHoleStart} (where RAM below 4 GiB ends) up to {@link #PCI_MEMORY_END}.
     */
    static void install(byte[] rom, long romBase, int offset, long pciHoleStart) {
        if ((romBase + offset) % 16 != 0) {
            throw new IllegalArgumentException("the RSDP must sit on a 16-byte boundary");
        }
        long base = romBase + offset;
        ByteBuffer b = ByteBuffer.wrap(rom, offset, SIZE).slice().order(ByteOrder.LITTLE_ENDIAN);

        // DSDT
        byte[] pci = pciHostBridge(pciHoleStart);
        int dsdtLength = HEADER + S5_AML.length + pci.length;
        header(b, DSDT_OFFSET, "DSDT", dsdtLength, 1);
        b.position(DSDT_OFFSET + HEADER);
        b.put(S5_AML).put(pci);
        checksum(b, DSDT_OFFSET, dsdtLength, 9);

        // FACS (no checksum; global lock and waking vector unused)
        b.position(FACS_OFFSET);
        b.put("FACS".getBytes(StandardCharsets.US_ASCII)).putInt(FACS_LENGTH);

        // FADT ("FACP"), ACPI 1.0 layout
        header(b, FADT_OFFSET, "FACP", FADT_LENGTH, 1);
        b.position(FADT_OFFSET + HEADER);
        b.putInt((int) (base + FACS_OFFSET));
        b.putInt((int) (base + DSDT_OFFSET));
        b.put((byte) 0);                          // INT_MODEL (ACPI 1.0): dual PIC, this board has no APIC
        b.put((byte) 0);                          // reserved
        b.putShort((short) PcBoard.IRQ_SCI);
        b.putInt(SMI_COMMAND_PORT);
        b.put((byte) ACPI_ENABLE).put((byte) ACPI_DISABLE).put((byte) 0).put((byte) 0);
        b.putInt(PM_IO_BASE);                     // PM1a_EVT_BLK: status + enable
        b.putInt(0);                              // PM1b_EVT_BLK
        b.putInt(PM_IO_BASE + 4);                 // PM1a_CNT_BLK
        b.putInt(0);                              // PM1b_CNT_BLK
        b.putInt(0);                              // PM2_CNT_BLK
        b.putInt(PM_IO_BASE + 8);                 // PM_TMR_BLK
        b.putInt(Piix4Pm.GPE0_PORT);              // GPE0_BLK
        b.putInt(0);                              // GPE1_BLK
        b.put((byte) 4).put((byte) 2).put((byte) 0).put((byte) 4);   // PM1_EVT, PM1_CNT, PM2_CNT, PM_TMR lengths
        b.put((byte) 4).put((byte) 0).put((byte) 0).put((byte) 0);   // GPE0, GPE1 lengths, GPE1_BASE, reserved
        b.putShort((short) 0x0FFF).putShort((short) 0x0FFF);        // C2/C3 latency: not supported
        b.putShort((short) 0).putShort((short) 0);                   // flush size/stride
        b.put((byte) 0).put((byte) 0);                               // duty offset/width
        b.put((byte) 0).put((byte) 0).put((byte) Rtc146818.CENTURY);  // day/month alarm, century
        b.put(new byte[3]);                                          // reserved
        b.putInt(FADT_FLAGS);
        checksum(b, FADT_OFFSET, FADT_LENGTH, 9);

        // RSDT: one entry, the FADT
        header(b, RSDT_OFFSET, "RSDT", HEADER + 4, 1);
        b.position(RSDT_OFFSET + HEADER);
        b.putInt((int) (base + FADT_OFFSET));
        checksum(b, RSDT_OFFSET, HEADER + 4, 9);

        // RSDP (ACPI 1.0, 20 bytes)
        b.position(RSDP_OFFSET);
        b.put("RSD PTR ".getBytes(StandardCharsets.US_ASCII)).put((byte) 0);
        b.put("QUASI ".getBytes(StandardCharsets.US_ASCII)).put((byte) 0);
        b.putInt((int) (base + RSDT_OFFSET));
        checksum(b, RSDP_OFFSET, 20, 8);
    }

    /**
     * Device (\_SB.PCI0) { Name (_HID, EisaId ("PNP0A03")) Name (_CRS, ResourceTemplate () { bus 0-FFh, I/O 0-CF7h
     * and D00h-FFFFh, memory A0000h-BFFFFh and the PCI hole }). Once ACPI is up, Linux scans PCI only below the host
     * bridges the namespace declares, and gives devices only what the bridge's windows hold: without the device a
     * direct-booted guest sees no PCI function, without the windows it cannot enable one (ata_piix: error -22).
     */
    static byte[] pciHostBridge(long pciHoleStart) {
        ByteBuffer crs = ByteBuffer.allocate(128).order(ByteOrder.LITTLE_ENDIAN);
        wordAddress(crs, 2, 0, 0x0000, 0x00FF);                 // WordBusNumber
        wordAddress(crs, 1, 3, 0x0000, 0x0CF7);                 // WordIO, entire range (below the config ports)
        wordAddress(crs, 1, 3, 0x0D00, 0xFFFF);                 // WordIO, above them
        dwordMemory(crs, 0xA_0000L, 0xB_FFFFL);                 // the VGA window
        dwordMemory(crs, pciHoleStart, PCI_MEMORY_END);
        crs.put((byte) 0x79).put((byte) 0);                     // End Tag (checksum 0: none)
        byte[] template = Arrays.copyOf(crs.array(), crs.position());

        ByteBuffer body = ByteBuffer.allocate(256).order(ByteOrder.LITTLE_ENDIAN);
        body.put(new byte[] {0x5C, 0x2E, '_', 'S', 'B', '_', 'P', 'C', 'I', '0'});      // \_SB_.PCI0
        body.put(new byte[] {0x08, '_', 'H', 'I', 'D', 0x0C, 0x41, (byte) 0xD0, 0x0A, 0x03}); // EisaId PNP0A03
        body.put(new byte[] {0x08, '_', 'C', 'R', 'S', 0x11});                              // Name, BufferOp
        byte[] buffer = new byte[2 + template.length];                                      // ByteConst size, data
        buffer[0] = 0x0A;
        buffer[1] = (byte) template.length;
        System.arraycopy(template, 0, buffer, 2, template.length);
        putPackageLength(body, buffer.length);
        body.put(buffer);
        byte[] device = Arrays.copyOf(body.array(), body.position());

        ByteBuffer out = ByteBuffer.allocate(device.length + 4);
        out.put((byte) 0x5B).put((byte) 0x82);                                              // DeviceOp
        putPackageLength(out, device.length);
        out.put(device);
        return Arrays.copyOf(out.array(), out.position());
    }

    /** A Word Address Space descriptor (producer, min and max fixed). */
    private static void wordAddress(ByteBuffer b, int type, int typeFlags, int min, int max) {
        b.put((byte) 0x88).putShort((short) 13).put((byte) type).put((byte) 0x0C).put((byte) typeFlags);
        b.putShort((short) 0).putShort((short) min).putShort((short) max).putShort((short) 0)
                .putShort((short) (max - min + 1));
    }

    /** A DWord Memory descriptor (producer, min and max fixed, cacheable, read-write). */
    private static void dwordMemory(ByteBuffer b, long min, long max) {
        b.put((byte) 0x87).putShort((short) 23).put((byte) 0).put((byte) 0x0C).put((byte) 0x03);
        b.putInt(0).putInt((int) min).putInt((int) max).putInt(0).putInt((int) (max - min + 1));
    }

    /** An AML PkgLength for {@code contentLength} bytes that follow it (the encoding counts itself). */
    private static void putPackageLength(ByteBuffer b, int contentLength) {
        if (contentLength + 1 < 0x40) {
            b.put((byte) (contentLength + 1));
            return;
        }
        int total = contentLength + 2;
        if (total >= 0x1000) {
            throw new IllegalArgumentException("AML package too long: " + contentLength);
        }
        b.put((byte) (0x40 | (total & 0x0F))).put((byte) (total >> 4));
    }

    private static void header(ByteBuffer b, int at, String signature, int length, int revision) {
        b.position(at);
        b.put(signature.getBytes(StandardCharsets.US_ASCII));
        b.putInt(length);
        b.put((byte) revision);
        b.put((byte) 0);                                              // checksum, set last
        b.put("QUASI ".getBytes(StandardCharsets.US_ASCII));          // OEM ID
        b.put("QUASIVM ".getBytes(StandardCharsets.US_ASCII));        // OEM table ID
        b.putInt(1);                                                  // OEM revision
        b.put("QVM ".getBytes(StandardCharsets.US_ASCII));            // creator ID
        b.putInt(1);                                                  // creator revision
    }

    /** Sets the byte at {@code at + field} so the {@code length} bytes from {@code at} sum to zero. */
    private static void checksum(ByteBuffer b, int at, int length, int field) {
        int sum = 0;
        for (int i = 0; i < length; i++) {
            sum += b.get(at + i);
        }
        b.put(at + field, (byte) -(sum - b.get(at + field)));
    }
}
