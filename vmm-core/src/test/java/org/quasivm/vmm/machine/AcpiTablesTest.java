package org.quasivm.vmm.machine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

/** The direct-boot ACPI tables as an OS walks them: RSDP scan, checksums, RSDT → FADT → DSDT/FACS. */
class AcpiTablesTest {

    private static final long BASE = 0xF_0000L;

    private final byte[] rom = rom();

    private static byte[] rom() {
        byte[] r = new byte[0x1_0000];
        AcpiTables.install(r, BASE, 0xE000, 256L << 20);
        return r;
    }

    private ByteBuffer at(long physical) {
        return ByteBuffer.wrap(rom).order(ByteOrder.LITTLE_ENDIAN).position((int) (physical - BASE)).slice()
                .order(ByteOrder.LITTLE_ENDIAN);
    }

    private String signature(long physical) {
        return new String(rom, (int) (physical - BASE), 4, StandardCharsets.US_ASCII);
    }

    private int sum(long physical, int length) {
        int s = 0;
        for (int i = 0; i < length; i++) {
            s += rom[(int) (physical - BASE) + i];
        }
        return s & 0xFF;
    }

    /** What Linux does: look for "RSD PTR " on 16-byte boundaries in the BIOS area with a valid checksum. */
    private long findRsdp() {
        for (int off = 0; off + 20 <= rom.length; off += 16) {
            if (new String(rom, off, 8, StandardCharsets.US_ASCII).equals("RSD PTR ") && sum(BASE + off, 20) == 0) {
                return BASE + off;
            }
        }
        throw new AssertionError("no RSDP");
    }

    @Test
    void everyTableIsReachableFromTheRsdpWithAValidChecksum() {
        long rsdt = at(findRsdp()).getInt(16) & 0xFFFFFFFFL;
        assertEquals("RSDT", signature(rsdt));
        assertEquals(0, sum(rsdt, at(rsdt).getInt(4)));
        assertEquals(40, at(rsdt).getInt(4), "one entry");
        long fadt = at(rsdt).getInt(36) & 0xFFFFFFFFL;
        assertEquals("FACP", signature(fadt));
        assertEquals(0, sum(fadt, at(fadt).getInt(4)));
        long facs = at(fadt).getInt(36) & 0xFFFFFFFFL;
        long dsdt = at(fadt).getInt(40) & 0xFFFFFFFFL;
        assertEquals("FACS", signature(facs));
        assertEquals(0, facs % 64, "the FACS is 64-byte aligned");
        assertEquals("DSDT", signature(dsdt));
        assertEquals(0, sum(dsdt, at(dsdt).getInt(4)));
    }

    @Test
    void fadtDescribesThePiix4PowerManagementBlockWhereFirmwareSetupPutsIt() {
        long fadt = at(at(findRsdp()).getInt(16) & 0xFFFFFFFFL).getInt(36) & 0xFFFFFFFFL;
        ByteBuffer f = at(fadt);
        assertEquals(116, f.getInt(4));
        assertEquals(9, f.getShort(46), "SCI_INT");
        assertEquals(0xB2, f.getInt(48), "SMI_CMD");
        assertEquals(0xF1, f.get(52) & 0xFF, "ACPI_ENABLE");
        assertEquals(0x600, f.getInt(56), "PM1a_EVT_BLK");
        assertEquals(0x604, f.getInt(64), "PM1a_CNT_BLK");
        assertEquals(0x608, f.getInt(76), "PM_TMR_BLK");
        assertEquals(0xAFE0, f.getInt(80), "GPE0_BLK");
        assertEquals(4, f.get(88), "PM1_EVT_LEN");
        assertEquals(2, f.get(89), "PM1_CNT_LEN");
        assertEquals(4, f.get(91), "PM_TMR_LEN");
        assertEquals(0x32, f.get(108), "CENTURY");
    }

    @Test
    void dsdtDefinesS5WithSleepTypeZero() {
        long dsdt = at(at(at(findRsdp()).getInt(16) & 0xFFFFFFFFL).getInt(36) & 0xFFFFFFFFL).getInt(40) & 0xFFFFFFFFL;
        byte[] aml = new byte[at(dsdt).getInt(4) - 36];
        at(dsdt + 36).get(aml);
        String text = new String(aml, StandardCharsets.ISO_8859_1);
        assertTrue(text.startsWith("\u0008\\_S5_\u0012"), "NameOp \\_S5_ PackageOp");
        assertEquals(4, aml[8], "four elements");
        assertEquals(0, aml[9], "SLP_TYPa 0 = S5 on the PIIX4");
    }

    @Test
    void dsdtDeclaresThePciHostBridgeWithWindowsFromTheEndOfRam() {
        long dsdt = at(at(at(findRsdp()).getInt(16) & 0xFFFFFFFFL).getInt(36) & 0xFFFFFFFFL).getInt(40) & 0xFFFFFFFFL;
        byte[] aml = new byte[at(dsdt).getInt(4) - 36];
        at(dsdt + 36).get(aml);
        String text = new String(aml, StandardCharsets.ISO_8859_1);
        int device = text.indexOf("\u005B\u0082");
        assertTrue(device > 0 && text.startsWith("\\._SB_PCI0", device + 4), "Device (\\_SB.PCI0)");
        assertTrue(text.contains("_HID\u000C\u0041\u00D0\n\u0003"), "_HID EisaId (PNP0A03)");
        int crs = text.indexOf("_CRS\u0011");
        assertTrue(crs > device, "_CRS buffer");
        ByteBuffer b = ByteBuffer.wrap(aml).order(ByteOrder.LITTLE_ENDIAN);
        int hole = text.lastIndexOf("\u0087\u0017\u0000");
        assertEquals(256 << 20, b.getInt(hole + 10), "the PCI memory window starts where RAM ends");
        assertEquals(0xFEBFFFFF, b.getInt(hole + 14));
        assertEquals(0x79, aml[aml.length - 2] & 0xFF, "the resource template ends with an End Tag");
    }
}
