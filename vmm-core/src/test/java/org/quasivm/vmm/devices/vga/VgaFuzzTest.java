package org.quasivm.vmm.devices.vga;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.SplittableRandom;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.quasivm.vmm.display.Frame;

/**
 * The guest is untrusted: random accesses of random sizes to every port, the window, the DISPI registers and the
 * framebuffer, with refreshes in between, must never throw, and frames must stay within the documented bounds.
 * Values are biased towards the ones that switch modes so that the renderer meets many odd geometries.
 */
class VgaFuzzTest {

    private static final int ACCESSES = 300_000;
    private static final int[] SIZES = {1, 1, 1, 2, 4};

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 0x5EED})
    void randomGuestAccessesNeverThrow(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        VgaBench bench = new VgaBench(1);
        ByteBuffer lfb = bench.vga.framebuffer();
        bench.setMode(VgaModeTable.MODE_03);
        java.util.Set<String> sizes = new java.util.HashSet<>();
        for (int i = 0; i < ACCESSES; i++) {
            int size = SIZES[random.nextInt(SIZES.length)];
            int value = interesting(random);
            switch (random.nextInt(8)) {
                case 0, 1 -> bench.io.out(0x3B0 + random.nextInt(0x30), size, value);
                case 2 -> bench.io.in(0x3B0 + random.nextInt(0x30), size);
                case 3 -> {
                    bench.io.out(0x1CE, 2, random.nextInt(16));
                    bench.io.out(0x1CF, 2, value);
                }
                case 4 -> bench.io.in(0x1CE + random.nextInt(3), size);
                case 5 -> bench.mmio.write(0xA0000 + random.nextInt(0x20000), size, value);
                case 6 -> bench.mmio.read(0xA0000 + random.nextInt(0x20000), size);
                default -> lfb.put(random.nextInt(lfb.capacity()), (byte) value);
            }
            if (random.nextInt(2000) == 0) {
                bench.advanceNanos(random.nextInt(50_000_000));
                bench.renderer.refresh();
                bench.renderer.textScreen();
                Frame frame = bench.renderer.frame();
                assertTrue(frame.width() <= 4608 && frame.height() <= BochsDispi.MAX_YRES, frame.toString());
                sizes.add(frame.toString());
            }
        }
        assertTrue(sizes.size() > 5, "the fuzzer met only " + sizes);
        // the adapter still works: a BIOS mode set brings back a sane text screen
        bench.dispi(4, 0);
        bench.setMode(VgaModeTable.MODE_03);
        bench.renderer.refresh();
        assertTrue(bench.renderer.textScreen().isPresent());
    }

    private static int interesting(SplittableRandom random) {
        return switch (random.nextInt(6)) {
            case 0 -> 0;
            case 1 -> 0xFFFF_FFFF;
            case 2 -> 1 << random.nextInt(32);
            case 3 -> random.nextInt(64);
            default -> random.nextInt();
        };
    }
}
