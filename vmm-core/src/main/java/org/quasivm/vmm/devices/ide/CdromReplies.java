package org.quasivm.vmm.devices.ide;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The data the CD-ROM returns for its informational commands, built into the device buffer. Each method returns
 * the reply's full length (the caller cuts it to the allocation length) or {@link #INVALID_FIELD} when the CDB asks
 * for something this drive does not have.
 */
final class CdromReplies {

    static final int INVALID_FIELD = -1;
    static final int SAVING_NOT_SUPPORTED = -2;

    static final int PROFILE_CD_ROM = 0x0008;
    private static final int PAGE_ERROR_RECOVERY = 0x01;
    private static final int PAGE_CAPABILITIES = 0x2A;
    private static final int PAGE_ALL = 0x3F;

    private CdromReplies() {
    }

    static int requestSense(byte[] out, int key, int asc, int ascq) {
        Arrays.fill(out, 0, 18, (byte) 0);
        out[0] = 0x70;          // current error, fixed format
        out[2] = (byte) key;
        out[7] = 10;            // additional sense length
        out[12] = (byte) asc;
        out[13] = (byte) ascq;
        return 18;
    }

    static int inquiry(byte[] out) {
        Arrays.fill(out, 0, 36, (byte) 0);
        out[0] = 0x05;          // CD/DVD device
        out[1] = (byte) 0x80;   // removable medium
        out[2] = 0x00;          // no version claimed, as ATAPI drives report
        out[3] = 0x21;          // ATAPI, response data format 1
        out[4] = 31;            // additional length
        ascii(out, 8, 8, "QUASIVM");
        ascii(out, 16, 16, "QuasiVM CD-ROM");
        ascii(out, 32, 4, "1.0");
        return 36;
    }

    static int readCapacity(byte[] out, long blocks) {
        Mmc.put32(out, 0, Math.max(0, blocks - 1));
        Mmc.put32(out, 4, Mmc.BLOCK_SIZE);
        return 8;
    }

    /** READ TOC/PMA/ATIP formats 0 (TOC) and 1 (session information) of a one-track data disc. */
    static int readToc(byte[] out, int format, boolean msf, int track, long blocks) {
        if (format == 0) {
            if (track > 1 && track != 0xAA) {
                return INVALID_FIELD;
            }
            int n = 4;
            if (track <= 1) {
                n = tocEntry(out, n, 1, 0, msf);
            }
            n = tocEntry(out, n, 0xAA, blocks, msf);
            Mmc.put16(out, 0, n - 2);
            out[2] = 1;
            out[3] = 1;
            return n;
        }
        if (format == 1) {
            Mmc.put16(out, 0, 10);
            out[2] = 1;
            out[3] = 1;
            return tocEntry(out, 4, 1, 0, msf);
        }
        return INVALID_FIELD;
    }

    private static int tocEntry(byte[] out, int at, int track, long lba, boolean msf) {
        out[at] = 0;
        out[at + 1] = 0x14;     // ADR 1 (Q sub-channel position), control 4 (data track)
        out[at + 2] = (byte) track;
        out[at + 3] = 0;
        if (msf) {
            Mmc.putMsf(out, at + 4, lba);
        } else {
            Mmc.put32(out, at + 4, lba);
        }
        return at + 8;
    }

    /**
     * MODE SENSE(10): pages 01h (read error recovery), 2Ah (capabilities) or 3Fh (both).
     *
     * @param control 0 current, 1 changeable, 2 default, 3 saved
     */
    static int modeSense(byte[] out, int control, int page, boolean mediumPresent, boolean locked) {
        if (control == 3) {
            return SAVING_NOT_SUPPORTED;
        }
        if (page != PAGE_ERROR_RECOVERY && page != PAGE_CAPABILITIES && page != PAGE_ALL) {
            return INVALID_FIELD;
        }
        boolean changeable = control == 1;
        Arrays.fill(out, 0, 8, (byte) 0);
        out[2] = (byte) (mediumPresent ? 0x01 : 0x70); // 120 mm data CD, or door closed without a disc
        int n = 8;
        if (page == PAGE_ERROR_RECOVERY || page == PAGE_ALL) {
            Arrays.fill(out, n, n + 8, (byte) 0);
            out[n] = PAGE_ERROR_RECOVERY;
            out[n + 1] = 6;
            if (!changeable) {
                out[n + 3] = 5;   // read retry count
            }
            n += 8;
        }
        if (page == PAGE_CAPABILITIES || page == PAGE_ALL) {
            Arrays.fill(out, n, n + 22, (byte) 0);
            out[n] = PAGE_CAPABILITIES;
            out[n + 1] = 20;
            if (!changeable) {
                out[n + 6] = (byte) (0x20 | 0x08 | 0x01 | (locked ? 0x02 : 0)); // tray, eject, lock, lock state
                Mmc.put16(out, n + 8, 706);     // maximum read speed, kB/s (4x)
                Mmc.put16(out, n + 12, 512);    // buffer, kB
                Mmc.put16(out, n + 14, 706);    // current read speed
            }
            n += 22;
        }
        Mmc.put16(out, 0, n - 2);
        return n;
    }

    /**
     * GET CONFIGURATION: the profile list (CD-ROM), Core (ATAPI), Morphing, Removable Medium, Random Readable and
     * CD Read features. {@code type} is the RT field: 0 all, 1 current, 2 the one starting feature.
     */
    static int configuration(byte[] out, int type, int start, boolean mediumPresent) {
        if (type == 3) {
            return INVALID_FIELD;
        }
        Arrays.fill(out, 0, 8, (byte) 0);
        Mmc.put16(out, 6, mediumPresent ? PROFILE_CD_ROM : 0);
        int n = 8;
        int[] features = {0x0000, 0x0001, 0x0002, 0x0003, 0x0010, 0x001E};
        for (int feature : features) {
            boolean current = feature < 0x0010 || mediumPresent;
            boolean wanted = switch (type) {
                case 0 -> feature >= start;
                case 1 -> feature >= start && current;
                default -> feature == start;
            };
            if (wanted) {
                n = feature(out, n, feature, current);
            }
        }
        Mmc.put32(out, 0, n - 4);
        return n;
    }

    private static int feature(byte[] out, int at, int code, boolean current) {
        int cur = current ? 1 : 0;
        Mmc.put16(out, at, code);
        switch (code) {
            case 0x0000 -> {                    // profile list
                out[at + 2] = (byte) (0x02 | 0x01);
                out[at + 3] = 4;
                Mmc.put16(out, at + 4, PROFILE_CD_ROM);
                out[at + 6] = (byte) cur;
                out[at + 7] = 0;
                return at + 8;
            }
            case 0x0001 -> {                    // core: ATAPI interface
                out[at + 2] = (byte) (2 << 2 | 0x02 | 0x01);
                out[at + 3] = 8;
                Mmc.put32(out, at + 4, 2);
                Arrays.fill(out, at + 8, at + 12, (byte) 0);
                return at + 12;
            }
            case 0x0002 -> {                    // morphing: polled event status
                out[at + 2] = (byte) (1 << 2 | 0x02 | 0x01);
                out[at + 3] = 4;
                out[at + 4] = 0x02;
                Arrays.fill(out, at + 5, at + 8, (byte) 0);
                return at + 8;
            }
            case 0x0003 -> {                    // removable medium: tray, eject, lock
                out[at + 2] = (byte) (0x02 | 0x01);
                out[at + 3] = 4;
                out[at + 4] = 0x29;
                Arrays.fill(out, at + 5, at + 8, (byte) 0);
                return at + 8;
            }
            case 0x0010 -> {                    // random readable, 2048-byte blocks
                out[at + 2] = (byte) cur;
                out[at + 3] = 8;
                Mmc.put32(out, at + 4, Mmc.BLOCK_SIZE);
                Mmc.put16(out, at + 8, 1);
                out[at + 10] = 0;
                out[at + 11] = 0;
                return at + 12;
            }
            default -> {                        // CD read
                out[at + 2] = (byte) (2 << 2 | cur);
                out[at + 3] = 4;
                Arrays.fill(out, at + 4, at + 8, (byte) 0);
                return at + 8;
            }
        }
    }

    /** GET EVENT STATUS NOTIFICATION (polled): the media class only. */
    static int eventStatus(byte[] out, int classes, int event, boolean mediumPresent, boolean trayOpen) {
        final int mediaClass = 1 << 4;
        if ((classes & mediaClass) == 0) {
            Mmc.put16(out, 0, 2);
            out[2] = (byte) 0x80;   // no event available
            out[3] = (byte) mediaClass;
            return 4;
        }
        Mmc.put16(out, 0, 6);
        out[2] = 0x04;              // media class
        out[3] = (byte) mediaClass;
        out[4] = (byte) event;
        out[5] = (byte) ((mediumPresent ? 0x02 : 0) | (trayOpen ? 0x01 : 0));
        out[6] = 0;
        out[7] = 0;
        return 8;
    }

    private static void ascii(byte[] out, int at, int length, String text) {
        byte[] b = text.getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i < length; i++) {
            out[at + i] = i < b.length ? b[i] : (byte) ' ';
        }
    }
}
