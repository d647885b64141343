package org.quasivm.vmm.devices.vga;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.quasivm.vmm.bus.BusDevice;
import org.quasivm.vmm.display.DirtyRect;

/**
 * What a console refresh costs (it polls about 60 times a second) and what the legacy window costs per byte.
 *
 * <pre>
 * mvn -B -q -pl vmm-core -am test-compile dependency:build-classpath -Dmdep.includeScope=test \
 *     -Dmdep.outputFile=$PWD/vmm-core/target/test-classpath.txt
 * java -cp vmm-core/target/test-classes:vmm-core/target/classes:$(cat vmm-core/target/test-classpath.txt) \
 *     org.openjdk.jmh.Main VgaRendererBenchmark -prof gc
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class VgaRendererBenchmark {

    @Param({"text80x25", "mode13h", "vbe1024x768x32", "vbe1920x1080x32"})
    public String mode;

    private VgaBench bench;
    private ByteBuffer lfb;
    private BusDevice window;
    private int tick;

    @Setup(Level.Trial)
    public void setUp() {
        bench = new VgaBench();
        lfb = bench.vga.framebuffer();
        window = bench.vga.legacyWindow();
        switch (mode) {
            case "text80x25" -> {
                bench.setMode(VgaModeTable.MODE_03);
                bench.beginFontAccess();
                for (int i = 0; i < 256 * 32; i++) {
                    bench.poke(0xA0000 + i, TextModeTest.glyph(i / 32, i % 32));
                }
                bench.endFontAccess();
                for (int i = 0; i < 2000; i++) {
                    bench.poke(0xB8000 + 2L * i, 'A' + i % 26);
                    bench.poke(0xB8000 + 2L * i + 1, 0x07);
                }
            }
            case "mode13h" -> {
                bench.setMode(VgaModeTable.MODE_13);
                for (int i = 0; i < 64000; i++) {
                    bench.poke(0xA0000 + i, i);
                }
            }
            default -> {
                String[] size = mode.substring(3).split("x");
                bench.biosSetup();
                bench.dispi(3, 32);
                bench.dispi(1, Integer.parseInt(size[0]));
                bench.dispi(2, Integer.parseInt(size[1]));
                bench.dispi(4, 0x41);
                bench.enableVideo();
                for (int i = 0; i < lfb.capacity() / 4; i++) {
                    lfb.putInt(i * 4, i * 0x9E37);
                }
            }
        }
        bench.renderer.refresh();
    }

    /** The common case: the console polls and nothing has changed. */
    @Benchmark
    public List<DirtyRect> refreshUnchanged() {
        return bench.renderer.refresh();
    }

    /** One pixel (or character) changed since the last refresh. */
    @Benchmark
    public List<DirtyRect> refreshOneChange() {
        tick++;
        if (mode.startsWith("vbe")) {
            lfb.putInt(4 * (tick & 0xFFFF), tick);
        } else {
            window.write(mode.equals("mode13h") ? tick & 0xFFFF : 0x18000 + 2 * (tick % 2000), 1, 'A' + tick % 26);
        }
        return bench.renderer.refresh();
    }

    /** Guest writes through the legacy window: a 64000-byte mode 13h frame, chain-4. */
    @Benchmark
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public int windowFrameWrite() {
        if (!mode.equals("mode13h")) {
            return 0;
        }
        for (int i = 0; i < 64000; i++) {
            window.write(i, 1, i + tick);
        }
        return tick++;
    }
}
