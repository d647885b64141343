package org.quasivm.disk.crash;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import org.quasivm.disk.DiskImage;
import org.quasivm.disk.DiskImages;
import org.quasivm.disk.ImageFormat;
import org.quasivm.disk.OpenOptions;

/**
 * The writer process of the crash-safety test: writes slot after slot into an image, flushes every few
 * writes and prints {@code FLUSHED n} once writes 0..n are durable. The test kills it at a random moment.
 */
public final class CrashWriterMain {
    private CrashWriterMain() {
    }

    public static void main(String[] args) throws Exception {
        Path image = Path.of(args[0]);
        ImageFormat format = ImageFormat.parse(args[1]);
        long seed = Long.parseLong(args[2]);
        try (DiskImage d = DiskImages.open(image, OpenOptions.readWrite().withFormat(format))) {
            int slots = CrashSlots.slots(d.size());
            for (int i = 0; i < slots; i++) {
                CrashSlots.Slot s = CrashSlots.slot(i, seed);
                d.write(s.offset(), ByteBuffer.wrap(s.data()));
                if (i % 4 == 3) {
                    d.flush();
                    System.out.println("FLUSHED " + i);
                    System.out.flush();
                }
            }
            System.out.println("DONE");
            System.out.flush();
            Thread.sleep(60_000); // wait to be killed
        }
    }
}
