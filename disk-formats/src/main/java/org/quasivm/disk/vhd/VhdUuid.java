package org.quasivm.disk.vhd;

import java.nio.ByteBuffer;
import java.util.UUID;

/** VHD unique ids: 16 bytes, shown in the usual UUID text form. */
final class VhdUuid {
    private VhdUuid() {
    }

    static String format(byte[] b) {
        ByteBuffer bb = ByteBuffer.wrap(b);
        return new UUID(bb.getLong(0), bb.getLong(8)).toString();
    }

    static byte[] random() {
        UUID u = UUID.randomUUID();
        return ByteBuffer.allocate(16).putLong(u.getMostSignificantBits()).putLong(u.getLeastSignificantBits()).array();
    }
}
