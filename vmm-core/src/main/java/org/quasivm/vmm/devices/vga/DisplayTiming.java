package org.quasivm.vmm.devices.vga;

import org.quasivm.vmm.clock.VirtualClock;

/**
 * Where the CRT beam is, derived from guest time and the CRTC's timing registers: the vertical retrace and display
 * enable bits of input status 1, and the frame count that paces cursor and character blinking.
 *
 * <p>Software waits for retrace by polling, and in deterministic mode guest time moves in steps that need not line
 * up with the short retrace pulse; so a pulse that began since the last read and was never seen is reported by the
 * next read (as if that read had come a little earlier). Every retrace is thus observable, and polling loops make
 * progress whenever guest time does, without ever consulting the host clock.
 */
final class DisplayTiming {

    private static final long PICOS_PER_SECOND = 1_000_000_000_000L;
    private static final long[] DOT_CLOCK_HZ = {25_175_000, 28_322_000, 25_175_000, 25_175_000};

    /** Input status 1 bits. */
    static final int STATUS_DISPLAY_DISABLED = 0x01;
    static final int STATUS_VERTICAL_RETRACE = 0x08;

    private final VirtualClock clock;
    private final CrtController crtc;
    private final Sequencer sequencer;
    private final Vga vga;

    /** How many vertical retraces and horizontal blanks the guest has been shown (counted since power-on). */
    private long retracesSeen;
    private long blanksSeen;

    DisplayTiming(VirtualClock clock, CrtController crtc, Sequencer sequencer, Vga vga, long retracesSeen,
                  long blanksSeen) {
        this.clock = clock;
        this.crtc = crtc;
        this.sequencer = sequencer;
        this.vga = vga;
        this.retracesSeen = retracesSeen;
        this.blanksSeen = blanksSeen;
    }

    long retracesSeen() {
        return retracesSeen;
    }

    long blanksSeen() {
        return blanksSeen;
    }

    /** Input status 1's timing bits now. */
    int inputStatus1() {
        long charPicos = characterPicos();
        long htotal = crtc.horizontalTotal();
        long vtotal = crtc.verticalTotal();
        long linePicos = charPicos * htotal;
        long framePicos = linePicos * vtotal;
        long now = clock.nanos();

        long frame = now / framePicos * 1000 + (now % framePicos) * 1000 / framePicos;
        long inFrame = (now % framePicos) * 1000 % framePicos;
        long line = inFrame / linePicos;
        long column = inFrame % linePicos / charPicos;

        // A retrace start the CRTC never reaches (start beyond the total) is moved into the frame, so that
        // software waiting for it still progresses.
        long start = Math.min(crtc.verticalRetraceStart(), vtotal - 1);
        long end = start + crtc.verticalRetraceLength();
        boolean inRetrace = line >= start && line < end;
        long retracesBegun = frame + (line >= start ? 1 : 0);

        int status = 0;
        if (inRetrace || retracesBegun > retracesSeen) {
            status |= STATUS_VERTICAL_RETRACE;
            retracesSeen = retracesBegun;
        }

        long displayLines = crtc.displayedScanLines();
        long displayColumns = Math.min(crtc.displayedCharacters(), htotal - 1);
        boolean blank = line >= displayLines || column >= displayColumns;
        long blanksBegun = (frame * vtotal + line) + (column >= displayColumns ? 1 : 0);
        if (blank || blanksBegun > blanksSeen) {
            status |= STATUS_DISPLAY_DISABLED;
            blanksSeen = blanksBegun;
        }
        return status;
    }

    /** Frames displayed since power-on; blinking runs off this count. */
    long frameCount() {
        long framePicos = characterPicos() * crtc.horizontalTotal() * crtc.verticalTotal();
        long now = clock.nanos();
        return now / framePicos * 1000 + (now % framePicos) * 1000 / framePicos;
    }

    /** Duration of one character clock: the dot clock the misc output selects, 8 or 9 dots, halved or not. */
    private long characterPicos() {
        long dots = sequencer.eightDotCharacters() ? 8 : 9;
        if (sequencer.halfDotClock()) {
            dots *= 2;
        }
        return dots * PICOS_PER_SECOND / DOT_CLOCK_HZ[(vga.miscOutput() >> 2) & 3];
    }
}
