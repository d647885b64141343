package org.quasivm.vmm.devices.vga;

import org.quasivm.vmm.bus.BusDevice;

/**
 * The VGA's I/O ports 3B0h-3DFh (offset 0 is 3B0h). The CRTC and input status 1 answer at 3B4h/3B5h/3BAh or
 * 3D4h/3D5h/3DAh as the misc output's I/O select bit says; the other block is not decoded (reads all ones).
 * Wider accesses are byte accesses to consecutive ports, so {@code outw 3C4h, 0x0F02} sets SR2 as on an ISA VGA.
 */
final class VgaPorts implements BusDevice {

    private static final int BASE = 0x3B0;

    private static final int CRTC_INDEX_MONO = 0x3B4;
    private static final int CRTC_DATA_MONO = 0x3B5;
    private static final int STATUS_1_MONO = 0x3BA;
    private static final int ATTRIBUTE_WRITE = 0x3C0;
    private static final int ATTRIBUTE_READ = 0x3C1;
    private static final int MISC_WRITE_STATUS_0 = 0x3C2;
    private static final int VIDEO_ENABLE = 0x3C3;
    private static final int SEQUENCER_INDEX = 0x3C4;
    private static final int SEQUENCER_DATA = 0x3C5;
    private static final int DAC_PIXEL_MASK = 0x3C6;
    private static final int DAC_READ_INDEX_STATE = 0x3C7;
    private static final int DAC_WRITE_INDEX = 0x3C8;
    private static final int DAC_DATA = 0x3C9;
    private static final int FEATURE_CONTROL_READ = 0x3CA;
    private static final int MISC_READ = 0x3CC;
    private static final int GRAPHICS_INDEX = 0x3CE;
    private static final int GRAPHICS_DATA = 0x3CF;
    private static final int CRTC_INDEX_COLOR = 0x3D4;
    private static final int CRTC_DATA_COLOR = 0x3D5;
    private static final int STATUS_1_COLOR = 0x3DA;

    private final Vga vga;

    VgaPorts(Vga vga) {
        this.vga = vga;
    }

    @Override
    public int read(int offset, int size) {
        int n = size == 2 || size == 4 ? size : 1;
        int value = 0;
        for (int i = 0; i < n; i++) {
            value |= readByte(BASE + offset + i) << (8 * i);
        }
        return value;
    }

    @Override
    public void write(int offset, int size, int value) {
        int n = size == 2 || size == 4 ? size : 1;
        for (int i = 0; i < n; i++) {
            writeByte(BASE + offset + i, (value >>> (8 * i)) & 0xFF);
        }
    }

    private boolean notDecoded(int port) {
        return vga.colorIo() ? port < 0x3C0 : port >= 0x3D0;
    }

    private int readByte(int port) {
        if (notDecoded(port)) {
            return 0xFF;
        }
        return switch (port) {
            case CRTC_INDEX_MONO, CRTC_INDEX_COLOR -> vga.crtc().readIndex();
            case CRTC_DATA_MONO, CRTC_DATA_COLOR -> vga.crtc().readData();
            case STATUS_1_MONO, STATUS_1_COLOR -> {
                vga.attribute().resetFlipFlop();
                yield vga.timing().inputStatus1();
            }
            case ATTRIBUTE_WRITE -> vga.attribute().readIndex();
            case ATTRIBUTE_READ -> vga.attribute().readData();
            case MISC_WRITE_STATUS_0 -> 0x00; // no switch sense, no CRT interrupt pending
            case VIDEO_ENABLE -> vga.videoEnable();
            case SEQUENCER_INDEX -> vga.sequencer().readIndex();
            case SEQUENCER_DATA -> vga.sequencer().readData();
            case DAC_PIXEL_MASK -> vga.dac().pixelMask();
            case DAC_READ_INDEX_STATE -> vga.dac().readState();
            case DAC_WRITE_INDEX -> vga.dac().readWriteIndex();
            case DAC_DATA -> vga.dac().readData();
            case FEATURE_CONTROL_READ -> vga.featureControl();
            case MISC_READ -> vga.miscOutput();
            case GRAPHICS_INDEX -> vga.graphics().readIndex();
            case GRAPHICS_DATA -> vga.graphics().readData();
            default -> 0xFF;
        };
    }

    private void writeByte(int port, int value) {
        if (notDecoded(port)) {
            return;
        }
        switch (port) {
            case CRTC_INDEX_MONO, CRTC_INDEX_COLOR -> vga.crtc().writeIndex(value);
            case CRTC_DATA_MONO, CRTC_DATA_COLOR -> vga.crtc().writeData(value);
            case STATUS_1_MONO, STATUS_1_COLOR -> vga.writeFeatureControl(value);
            case ATTRIBUTE_WRITE -> vga.attribute().write(value);
            case MISC_WRITE_STATUS_0 -> vga.writeMiscOutput(value);
            case VIDEO_ENABLE -> vga.writeVideoEnable(value);
            case SEQUENCER_INDEX -> vga.sequencer().writeIndex(value);
            case SEQUENCER_DATA -> vga.sequencer().writeData(value);
            case DAC_PIXEL_MASK -> vga.dac().writePixelMask(value);
            case DAC_READ_INDEX_STATE -> vga.dac().writeReadIndex(value);
            case DAC_WRITE_INDEX -> vga.dac().writeWriteIndex(value);
            case DAC_DATA -> vga.dac().writeData(value);
            case GRAPHICS_INDEX -> vga.graphics().writeIndex(value);
            case GRAPHICS_DATA -> vga.graphics().writeData(value);
            default -> { } // read-only or unused ports
        }
    }
}
