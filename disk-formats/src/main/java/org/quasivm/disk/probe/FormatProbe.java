package org.quasivm.disk.probe;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.quasivm.disk.DiskImageException;
import org.quasivm.disk.ImageFormat;

/**
 * Recognises an image format by its magic bytes, never by its file name. Anything unrecognised is raw.
 * Probing is for files whose format the user did not declare: a guest can write any header into a raw disk,
 * so a disk declared raw must never be probed (see {@link org.quasivm.disk.OpenOptions#format()}).
 */
public final class FormatProbe {
    private static final byte[] QCOW2 = {'Q', 'F', 'I', (byte) 0xfb};
    private static final byte[] KDMV = {'K', 'D', 'M', 'V'};
    private static final byte[] COWD = {'C', 'O', 'W', 'D'};
    private static final byte[] CONECTIX = "conectix".getBytes(StandardCharsets.US_ASCII);
    private static final int VDI_SIGNATURE = 0xbeda107f;
    private static final String VMDK_DESCRIPTOR = "# Disk DescriptorFile";
    private static final long MAX_DESCRIPTOR = 1 << 20;

    private FormatProbe() {
    }

    public static ImageFormat probe(Path path) throws DiskImageException {
        try (FileChannel ch = FileChannel.open(path)) {
            long size = ch.size();
            ByteBuffer head = ByteBuffer.allocate(512);
            while (head.hasRemaining() && ch.read(head, head.position()) > 0) {
                // fill what the file has
            }
            head.flip();
            if (startsWith(head, 0, QCOW2)) {
                return ImageFormat.QCOW2;
            }
            if (startsWith(head, 0, KDMV) || startsWith(head, 0, COWD)) {
                return ImageFormat.VMDK;
            }
            if (startsWith(head, 0, CONECTIX)) {
                return ImageFormat.VHD;
            }
            if (head.limit() >= 0x48 && head.order(java.nio.ByteOrder.LITTLE_ENDIAN).getInt(0x40) == VDI_SIGNATURE) {
                return ImageFormat.VDI;
            }
            if (size <= MAX_DESCRIPTOR && isDescriptor(head)) {
                return ImageFormat.VMDK;
            }
            if (size >= 1024 && size % 512 == 0) {
                ByteBuffer tail = ByteBuffer.allocate(512);
                while (tail.hasRemaining() && ch.read(tail, size - 512 + tail.position()) > 0) {
                    // fill
                }
                tail.flip();
                // A fixed VHD is raw data plus a footer; require a valid footer checksum, not just the cookie.
                if (startsWith(tail, 0, CONECTIX) && org.quasivm.disk.vhd.VhdFooter.checksumValid(tail)) {
                    return ImageFormat.VHD;
                }
            }
            return ImageFormat.RAW;
        } catch (NoSuchFileException e) {
            throw new DiskImageException(path, "no such file", e);
        } catch (IOException e) {
            throw new DiskImageException(path, "cannot read: " + e.getMessage(), e);
        }
    }

    private static boolean isDescriptor(ByteBuffer head) {
        String s = new String(head.array(), 0, head.limit(), StandardCharsets.ISO_8859_1);
        return s.startsWith(VMDK_DESCRIPTOR) || (s.startsWith("#") && s.contains("createType="));
    }

    private static boolean startsWith(ByteBuffer b, int at, byte[] magic) {
        if (b.limit() < at + magic.length) {
            return false;
        }
        for (int i = 0; i < magic.length; i++) {
            if (b.get(at + i) != magic[i]) {
                return false;
            }
        }
        return true;
    }
}
