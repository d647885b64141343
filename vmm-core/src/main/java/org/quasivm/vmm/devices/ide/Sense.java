package org.quasivm.vmm.devices.ide;

/** SCSI sense keys and the additional sense codes the CD-ROM reports (SPC/MMC names). */
final class Sense {

    private Sense() {
    }

    static final int NO_SENSE = 0x00;
    static final int NOT_READY = 0x02;
    static final int ILLEGAL_REQUEST = 0x05;
    static final int UNIT_ATTENTION = 0x06;

    static final int ASC_LBA_OUT_OF_RANGE = 0x21;
    static final int ASC_INVALID_OPCODE = 0x20;
    static final int ASC_INVALID_FIELD_IN_CDB = 0x24;
    static final int ASC_MEDIUM_MAY_HAVE_CHANGED = 0x28;
    static final int ASC_SAVING_NOT_SUPPORTED = 0x39;
    static final int ASC_MEDIUM_NOT_PRESENT = 0x3A;
    static final int ASC_MEDIUM_REMOVAL_PREVENTED = 0x53;

    static final int ASCQ_TRAY_CLOSED = 0x01;
    static final int ASCQ_TRAY_OPEN = 0x02;
    static final int ASCQ_REMOVAL_PREVENTED = 0x02;
}
