; pit.asm - the 8254 PIT (40h-43h) and port 61h from the guest side.
;
; Channel 0 drives IRQ0; its rate in modes 2 and 3, and the single interrupt of mode 0, are counted against the RTC's
; periodic interrupt (64 Hz on IRQ8), an independent clock, so the verdicts hold on any host speed. Channel 2 is gated
; by port 61h bit 0 and its OUT is readable at 61h bit 5: terminal count in mode 0, the counter latch command, the
; read-back command (status and count), and the reload that a rising gate edge causes in mode 2. Finally the DRAM
; refresh bit (61h bit 4) must toggle.
;
; Tolerances: the counts are checked within +-10% (and a mode-0 one-shot must give exactly one interrupt). A window of
; 16 RTC ticks is 250 ms; starting and stopping on RTC interrupts loses at most one PIT tick at each end, and an
; emulator that delivers late may merge a few more; 10% leaves room for that and still fails a wrong divisor.

%include "guest.inc"
%include "cmos.inc"

PIT_CH0         equ 0x40
PIT_CH2         equ 0x42
PIT_MODE        equ 0x43
PORT_61         equ 0x61
P61_GATE2       equ 0x01
P61_SPEAKER     equ 0x02
P61_REFRESH     equ 0x10
P61_OUT2        equ 0x20

WINDOW_TICKS    equ 16         ; RTC periodic ticks per measurement
RTC_RATE_64HZ   equ 0x0A

absolute guest_vars
pit_ticks:      resw 1
rtc_ticks:      resw 1
measured:       resw 1         ; PIT interrupts between RTC interrupts 2 and 2 + WINDOW_TICKS
window_done:    resb 1
section .text

pit_isr:
        push ax
        push ds
        xor ax, ax
        mov ds, ax
        inc word [pit_ticks]
        eoi_master
        pop ds
        pop ax
        iret

; The window opens at the second RTC interrupt and closes WINDOW_TICKS later. The first one may be a request the
; 8259 latched while IRQ8 was masked, delivered at unmask time; the second is a true tick edge.
rtc_isr:
        push ax
        push ds
        xor ax, ax
        mov ds, ax
        mov al, RTC_REG_C       ; acknowledge: the RTC keeps IRQ8 asserted until C is read
        call cmos_read
        inc word [rtc_ticks]
        cmp word [rtc_ticks], 2
        jne .not_first
        mov word [pit_ticks], 0
.not_first:
        cmp word [rtc_ticks], 2 + WINDOW_TICKS
        jne .out
        mov ax, [pit_ticks]
        mov [measured], ax
        mov byte [window_done], 1
.out:   eoi_slave
        pop ds
        pop ax
        iret

; measure_window: with channel 0 already programmed, counts its interrupts over WINDOW_TICKS RTC ticks -> AX.
measure_window:
        cli
        mov word [rtc_ticks], 0
        mov word [pit_ticks], 0
        mov byte [window_done], 0
        mov word [measured], 0
        mov al, RTC_REG_C       ; drop IRQ8 if a tick is pending
        call cmos_read
        pic_unmask 0
        pic_unmask RTC_IRQ
.wait:  sti
        hlt                     ; sti;hlt: no interrupt can slip in between
        cli
        cmp byte [window_done], 0
        je .wait
        pic_mask 0
        pic_mask RTC_IRQ
        mov ax, [measured]
        ret

; ch0_program: AL = control word, BX = count (written low byte, high byte).
ch0_program:
        out PIT_MODE, al
        mov al, bl
        out PIT_CH0, al
        mov al, bh
        out PIT_CH0, al
        ret

; ch2_latch: counter latch command for channel 2, then reads it -> AX. ch2_read reads without latching first.
ch2_latch:
        mov al, 0x80            ; channel 2, latch
        out PIT_MODE, al
ch2_read:
        in al, PIT_CH2
        mov ah, al
        in al, PIT_CH2
        xchg al, ah
        ret

; wait_out2_high: polls 61h bit 5 (bounded: 16M reads, far more than the 55 ms of a full count) -> ZF clear if high.
wait_out2_high:
        push ecx
        mov ecx, 0x1000000
.poll:  in al, PORT_61
        test al, P61_OUT2
        jnz .done
        dec ecx
        jnz .poll
.done:  pop ecx
        ret

main:
        println 'PIT 8254 guest'
        set_vector IRQ0_VECTOR, pit_isr
        set_vector IRQ8_VECTOR, rtc_isr
        mov al, RTC_RATE_64HZ
        mov ah, 1
        call rtc_periodic

        ; --- channel 0, mode 2 (rate generator) ---
        mov al, 0x34            ; ch0, low/high byte, mode 2, binary
        mov bx, 1193            ; 1193182 Hz / 1193 = 1000.15 Hz: 250 per window
        call ch0_program
        call measure_window
        print 'ch0 mode 2 reload 1193 (1000 Hz): interrupts in 16 RTC ticks at 64 Hz within 225-275: '
        verdict_range ax, 225, 275

        mov al, 0xE2            ; read-back: status only, channel 0
        out PIT_MODE, al
        in al, PIT_CH0
        and al, 0x7F            ; OUT (bit 7) is a pulse in mode 2: when it is sampled is the emulator's business
        print 'ch0 read-back status without OUT: '
        call put_hex8
        call put_space
        verdict_equal al, 0x34

        ; --- channel 0, mode 3 (square wave) ---
        mov al, 0x36            ; ch0, low/high byte, mode 3, binary
        mov bx, 2386            ; 500.08 Hz: 125 per window
        call ch0_program
        call measure_window
        print 'ch0 mode 3 reload 2386 (500 Hz): interrupts in 16 RTC ticks at 64 Hz within 112-138: '
        verdict_range ax, 112, 138

        ; --- channel 0, mode 0 (interrupt on terminal count): one interrupt, 55 ms after the count is written ---
        mov al, 0x30            ; ch0, low/high byte, mode 0, binary
        mov bx, 0xFFFF
        call ch0_program
        call measure_window
        print 'ch0 mode 0 count FFFF (55 ms one-shot): interrupts in 16 RTC ticks at 64 Hz: '
        call put_dec
        call put_space
        verdict_equal ax, 1

        mov al, 0
        mov ah, 0
        call rtc_periodic       ; periodic interrupt off: the RTC is done

        ; --- channel 2: gate on, speaker off; mode 0 terminal count visible at 61h bit 5 ---
        in al, PORT_61
        and al, ~(P61_GATE2 | P61_SPEAKER) & 0xFF
        or al, P61_GATE2
        out PORT_61, al
        mov al, 0xB0            ; ch2, low/high byte, mode 0, binary
        out PIT_MODE, al
        mov al, 0x00
        out PIT_CH2, al
        mov al, 0x80
        out PIT_CH2, al         ; count 8000h: 27.5 ms
        in al, PORT_61
        mov bl, al              ; OUT right after the count was written: low until terminal count
        mov al, 0x80            ; latch channel 2 now; read it only after terminal count
        out PIT_MODE, al
        call wait_out2_high
        mov bh, al
        call ch2_read           ; the value latched before terminal count
        mov si, ax
        call ch2_latch          ; a fresh latch: the counter wrapped past 0 to FFFF and counts on
        mov di, ax
        print 'ch2 mode 0: OUT (61h bit 5) low after load, high at terminal count: '
        and bl, P61_OUT2
        and bh, P61_OUT2
        mov al, bl
        shr al, 5
        call put_hex4
        call put_space
        mov al, bh
        shr al, 5
        call put_hex4
        call put_space
        mov ax, bx
        verdict_equal ax, P61_OUT2 << 8
        print 'ch2 latch holds across terminal count: latched value within 7000-8000: '
        verdict_range si, 0x7000, 0x8000
        print 'ch2 counter just after terminal count is 0 or wrapped above 8000: '
        dec di                  ; 0 -> FFFF: one range check covers both
        verdict_range di, 0x8000, 0xFFFF

        mov al, 0xE8            ; read-back: status only, channel 2
        out PIT_MODE, al
        in al, PIT_CH2
        print 'ch2 read-back status after terminal count: '
        call put_hex8
        call put_space
        verdict_equal al, 0xB0  ; OUT high, count loaded, low/high byte, mode 0, binary

        mov al, 0xC8            ; read-back: status and count, channel 2: status comes first
        out PIT_MODE, al
        in al, PIT_CH2
        mov bl, al
        call ch2_read
        print 'ch2 read-back status then count: status '
        mov al, bl
        call put_hex8
        call put_space
        verdict_equal bl, 0xB0

        ; --- channel 2, mode 2: a rising gate edge reloads the count ---
        mov al, 0xB4            ; ch2, low/high byte, mode 2, binary
        out PIT_MODE, al
        mov al, 0x00
        out PIT_CH2, al
        mov al, 0x80
        out PIT_CH2, al         ; count 8000h
        mov ecx, 0x1000000      ; wait (bounded) until it is below 4000h
.down:  call ch2_latch
        cmp ax, 0x4000
        jb .low
        dec ecx
        jnz .down
.low:   in al, PORT_61
        and al, ~P61_GATE2 & 0xFF
        out PORT_61, al         ; gate low
        or al, P61_GATE2
        out PORT_61, al         ; gate high: reload at the next clock
        call ch2_latch
        print 'ch2 mode 2: counter after a rising gate edge reloaded above 4000: '
        verdict_range ax, 0x4001, 0x8000

        ; --- port 61h bit 4: the refresh request toggles on its own ---
        in al, PORT_61
        mov bl, al
        mov ecx, 0x100000
.refresh:
        in al, PORT_61
        xor al, bl
        test al, P61_REFRESH
        jnz .toggled
        dec ecx
        jnz .refresh
.toggled:
        print 'port 61h refresh bit toggles: '
        test ecx, ecx
        jz .stuck
        println 'ok'
        jmp .end
.stuck: println 'wrong'
.end:
        in al, PORT_61
        and al, ~(P61_GATE2 | P61_SPEAKER) & 0xFF
        out PORT_61, al         ; gate 2 off
        jmp finish

%include "rom-end.inc"
