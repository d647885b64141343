package org.quasivm.vmm.devices.acpi;

/**
 * The PIIX4 power management function's I/O registers (its PCI configuration bytes are kept by the PCI layer).
 *
 * @param pm1Status      PMSTS without the timer overflow bit (that one is derived from the timer)
 * @param pm1Enable      PMEN
 * @param pm1Control     PMCNTRL (SCI_EN, ...)
 * @param timerEpoch     the PM timer's bit-23 period index at the last TMROF_STS clear
 * @param gpeStatus      GPE0 status (16 bits)
 * @param gpeEnable      GPE0 enable
 * @param apmControl     port B2h
 * @param apmStatus      port B3h
 * @param scratch        the other PM I/O bytes, kept as written (64 bytes)
 */
public record Piix4PmState(int pm1Status, int pm1Enable, int pm1Control, long timerEpoch, int gpeStatus,
                           int gpeEnable, int apmControl, int apmStatus, byte[] scratch) {

    public Piix4PmState {
        if (((pm1Status | pm1Enable | pm1Control | gpeStatus | gpeEnable) & ~0xFFFF) != 0
                || ((apmControl | apmStatus) & ~0xFF) != 0 || timerEpoch < 0) {
            throw new IllegalArgumentException("PIIX4 PM register out of range");
        }
        if (scratch == null || scratch.length != Piix4Pm.IO_SIZE) {
            throw new IllegalArgumentException("PIIX4 PM I/O space is 64 bytes");
        }
        scratch = scratch.clone();
    }

    @Override
    public byte[] scratch() {
        return scratch.clone();
    }

    public static Piix4PmState initial() {
        return new Piix4PmState(0, 0, 0, 0, 0, 0, 0, 0, new byte[Piix4Pm.IO_SIZE]);
    }
}
