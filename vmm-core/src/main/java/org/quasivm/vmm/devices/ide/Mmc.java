package org.quasivm.vmm.devices.ide;

/** The SCSI/MMC operation codes the ATAPI CD-ROM knows, and the media event codes it reports. */
final class Mmc {

    private Mmc() {
    }

    static final int TEST_UNIT_READY = 0x00;
    static final int REQUEST_SENSE = 0x03;
    static final int INQUIRY = 0x12;
    static final int START_STOP_UNIT = 0x1B;
    static final int PREVENT_ALLOW_MEDIUM_REMOVAL = 0x1E;
    static final int READ_CAPACITY = 0x25;
    static final int READ_10 = 0x28;
    static final int READ_TOC_PMA_ATIP = 0x43;
    static final int GET_CONFIGURATION = 0x46;
    static final int GET_EVENT_STATUS_NOTIFICATION = 0x4A;
    static final int MODE_SENSE_10 = 0x5A;
    static final int READ_12 = 0xA8;
    static final int SET_CD_SPEED = 0xBB;

    static final int CDB_LENGTH = 12;
    static final int BLOCK_SIZE = 2048;

    static final int EVENT_NONE = 0;
    static final int EVENT_EJECT_REQUEST = 1;
    static final int EVENT_NEW_MEDIA = 2;
    static final int EVENT_MEDIA_REMOVAL = 3;

    static int be16(byte[] b, int at) {
        return (b[at] & 0xFF) << 8 | (b[at + 1] & 0xFF);
    }

    static long be32(byte[] b, int at) {
        return (long) (b[at] & 0xFF) << 24 | (b[at + 1] & 0xFF) << 16 | (b[at + 2] & 0xFF) << 8 | (b[at + 3] & 0xFF);
    }

    static void put16(byte[] b, int at, int v) {
        b[at] = (byte) (v >>> 8);
        b[at + 1] = (byte) v;
    }

    static void put32(byte[] b, int at, long v) {
        b[at] = (byte) (v >>> 24);
        b[at + 1] = (byte) (v >>> 16);
        b[at + 2] = (byte) (v >>> 8);
        b[at + 3] = (byte) v;
    }

    /** A logical block address as minutes/seconds/frames (the 150-frame lead-in offset added). */
    static void putMsf(byte[] b, int at, long lba) {
        long frames = lba + 150;
        b[at] = 0;
        b[at + 1] = (byte) Math.min(255, frames / (75 * 60));
        b[at + 2] = (byte) (frames / 75 % 60);
        b[at + 3] = (byte) (frames % 75);
    }
}
