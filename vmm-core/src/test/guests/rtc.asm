; rtc.asm - the MC146818 RTC/CMOS (70h/71h, IRQ8 through the slave 8259) from the guest side.
;
; Register D's valid bit, A/B and CMOS RAM read-back; the time read right after an update-ended interrupt is valid BCD
; and in range; the update-in-progress protocol (UIP rises shortly before an update, falls after it, and the seconds
; have then moved on by one); the periodic interrupt rate, counted between two update-ended interrupts (one second); the SET protocol with a day, month and year rollover in 24-hour BCD, in 12-hour BCD
; (PM bit) and in binary; an alarm with "don't care" hours and minutes; register C clears when read.
; The times the guest prints are the ones it set, one update later: they do not depend on the host's clock.

%include "guest.inc"
%include "cmos.inc"

RTC_CENTURY     equ 0x32
CMOS_FREE_BYTE  equ 0x50       ; general-purpose CMOS RAM no firmware field uses
RATE_64HZ       equ 0x0A
RATE_1024HZ     equ 0x06

absolute guest_vars
updates:        resw 1         ; update-ended interrupts (UF)
periodics:      resw 1         ; periodic interrupts (PF)
alarms:         resw 1         ; alarm interrupts (AF)
window_start:   resw 1         ; periodics at the update that opened the rate window
window_result:  resw 1
window_state:   resb 1         ; 0 idle, 1 armed (opens at the next UF), 2 open (closes at the next UF), 3 done
af_seconds:     resb 1         ; seconds register at the first AF
af_c:           resb 1         ; register C at the first AF
section .text

; --- IRQ8: reads C (which acknowledges) and counts the sources it reports -----------------------------------------
rtc_isr:
        push ax
        push ds
        xor ax, ax
        mov ds, ax
        mov al, RTC_REG_C       ; reading C acknowledges: the RTC drops IRQ8
        call cmos_read
        mov ah, al
        test ah, REG_C_PF
        jz .no_pf
        inc word [periodics]
.no_pf: test ah, REG_C_AF
        jz .no_af
        cmp word [alarms], 0
        jne .later_af
        mov [af_c], ah
        mov al, RTC_SECONDS     ; right after an update: safe to read
        call cmos_read
        mov [af_seconds], al
.later_af:
        inc word [alarms]
.no_af: test ah, REG_C_UF
        jz .out
        inc word [updates]
        cmp byte [window_state], 1
        jne .not_opening
        mov ax, [periodics]
        mov [window_start], ax
        mov byte [window_state], 2
        jmp .out
.not_opening:
        cmp byte [window_state], 2
        jne .out
        mov ax, [periodics]
        sub ax, [window_start]
        mov [window_result], ax
        mov byte [window_state], 3
.out:   eoi_slave
        pop ds
        pop ax
        iret

; set_b: AH = new register B.
set_b:
        push ax
        mov al, RTC_REG_B
        call cmos_write
        pop ax
        ret

clear_c:
        push ax
        mov al, RTC_REG_C
        call cmos_read
        pop ax
        ret

; wait_update: sleeps until the next update-ended interrupt (UIE must be on).
wait_update:
        push ax
        mov ax, [updates]
.wait:  sti
        hlt
        cli
        cmp ax, [updates]
        je .wait
        pop ax
        ret

; set_time: SI = CS-relative table: register B format bits, then 8 (index, value) pairs. Enters SET mode with the
; format, writes the registers, leaves SET mode with UIE on.
set_time:
        push ax
        push cx
        push si
        mov ah, [cs:si]
        or ah, REG_B_SET
        call set_b
        inc si
        mov cx, 8
.reg:   mov al, [cs:si]
        mov ah, [cs:si + 1]
        call cmos_write
        add si, 2
        loop .reg
        pop si
        push si
        call clear_c            ; flags from before must not look like the next update
        mov ah, [cs:si]
        or ah, REG_B_UIE
        call set_b
        pop si
        pop cx
        pop ax
        ret

; wait_seconds_change: AL = seconds value that was set; sleeps through updates until the seconds register differs
; (at most three updates).
wait_seconds_change:
        push bx
        push cx
        mov bl, al
        mov cx, 3
.next:  call wait_update
        mov al, RTC_SECONDS
        call cmos_read
        cmp al, bl
        jne .done
        loop .next
.done:  pop cx
        pop bx
        ret

; show_reg: AL = index; prints its value in hex.
show_reg:
        call cmos_read
        call put_hex8
        ret

; valid_bcd: AL = value, AH = highest allowed (BCD) -> CF set if AL is not BCD or above AH.
valid_bcd:
        push ax
        mov ah, al
        and ah, 0x0F
        cmp ah, 9
        ja .bad
        mov ah, al
        shr ah, 4
        cmp ah, 9
        ja .bad
        pop ax
        cmp al, ah
        ja .bad_popped
        clc
        ret
.bad:   pop ax
.bad_popped:
        stc
        ret

; check_bcd INDEX, LOW, HIGH: ORs 1 into BL when the register is not BCD within LOW..HIGH (BCD values).
%macro check_bcd 3
        mov al, %1
        call cmos_read
        mov ah, %3
        call valid_bcd
        jc %%bad
        cmp al, %2
        jae %%ok
%%bad:  or bl, 1
%%ok:
%endmacro

time_2024_02_29:                ; Thursday 2024-02-29 23:59:59, 24-hour BCD
        db REG_B_24H
        db RTC_SECONDS, 0x59, RTC_MINUTES, 0x59, RTC_HOURS, 0x23, RTC_DAY_OF_WEEK, 0x05
        db RTC_DAY, 0x29, RTC_MONTH, 0x02, RTC_YEAR, 0x24, RTC_CENTURY, 0x20
time_2024_12_31:                ; Tuesday 2024-12-31 11:59:59 PM, 12-hour BCD (bit 7 of hours = PM)
        db 0
        db RTC_SECONDS, 0x59, RTC_MINUTES, 0x59, RTC_HOURS, 0x91, RTC_DAY_OF_WEEK, 0x03
        db RTC_DAY, 0x31, RTC_MONTH, 0x12, RTC_YEAR, 0x24, RTC_CENTURY, 0x20
time_2024_06_30:                ; Sunday 2024-06-30 13:45:59, 24-hour binary
        db REG_B_24H | REG_B_DM
        db RTC_SECONDS, 59, RTC_MINUTES, 45, RTC_HOURS, 13, RTC_DAY_OF_WEEK, 1
        db RTC_DAY, 30, RTC_MONTH, 6, RTC_YEAR, 24, RTC_CENTURY, 20
time_alarm:                     ; 10:20:30 on 2024-01-15 (Monday), 24-hour BCD
        db REG_B_24H
        db RTC_SECONDS, 0x30, RTC_MINUTES, 0x20, RTC_HOURS, 0x10, RTC_DAY_OF_WEEK, 0x02
        db RTC_DAY, 0x15, RTC_MONTH, 0x01, RTC_YEAR, 0x24, RTC_CENTURY, 0x20

; print_date: "CCYY-MM-DD" from the registers as they are (BCD or binary, in hex).
print_date:
        mov al, RTC_CENTURY
        call show_reg
        mov al, RTC_YEAR
        call show_reg
        print '-'
        mov al, RTC_MONTH
        call show_reg
        print '-'
        mov al, RTC_DAY
        call show_reg
        ret

; expect_regs: CS:SI = (index, value) pairs ending with FFh -> ZF set when every register holds its value.
expect_regs:
        push bx
        xor bl, bl
.next:  mov al, [cs:si]
        cmp al, 0xFF
        je .done
        call cmos_read
        cmp al, [cs:si + 1]
        je .same
        inc bl
.same:  add si, 2
        jmp .next
.done:  test bl, bl
        pop bx
        ret

expect_2024_03_01:
        db RTC_SECONDS, 0x00, RTC_MINUTES, 0x00, RTC_HOURS, 0x00, RTC_DAY_OF_WEEK, 0x06
        db RTC_DAY, 0x01, RTC_MONTH, 0x03, RTC_YEAR, 0x24, RTC_CENTURY, 0x20, 0xFF
expect_2025_01_01:
        db RTC_MINUTES, 0x00, RTC_HOURS, 0x12, RTC_DAY_OF_WEEK, 0x04
        db RTC_DAY, 0x01, RTC_MONTH, 0x01, RTC_YEAR, 0x25, RTC_CENTURY, 0x20, 0xFF
expect_2024_06_30:
        db RTC_SECONDS, 0, RTC_MINUTES, 46, RTC_HOURS, 13, RTC_DAY_OF_WEEK, 1
        db RTC_DAY, 30, RTC_MONTH, 6, RTC_YEAR, 24, RTC_CENTURY, 20, 0xFF

; verdict_regs: SI = expectation table; ends the line with " ok" or " wrong".
verdict_regs:
        call expect_regs
        jne .bad
        println ' ok'
        ret
.bad:   println ' wrong'
        ret

print_dow:
        print ' day of week '
        mov al, RTC_DAY_OF_WEEK
        call show_reg
        ret

; busy_wait_note: while it counts periodic interrupts this guest spins instead of halting. Under QEMU with
; -icount sleep=off (how the suite runs QEMU, for determinism) the RTC re-arms its periodic timer before raising
; IRQ8; with the CPU halted that re-arm warps virtual time straight to the next tick, and two ticks merge into one
; interrupt. A busy CPU is never warped. Real hardware and other emulators do not care either way.

main:
        println 'MC146818 RTC guest'
        set_vector IRQ8_VECTOR, rtc_isr

        mov ah, REG_B_24H       ; BCD, 24-hour, no interrupts
        call set_b
        mov ah, REG_A_32KHZ | RATE_1024HZ
        mov al, RTC_REG_A
        call cmos_write
        call clear_c

        print 'register D: '
        mov al, RTC_REG_D
        call cmos_read
        call put_hex8
        print ' (valid RAM and time) '
        verdict_equal al, 0x80

        print 'registers A (without UIP) and B read back: '
        mov al, RTC_REG_A
        call cmos_read
        and al, ~REG_A_UIP & 0xFF
        mov bl, al
        call put_hex8
        call put_space
        mov al, RTC_REG_B
        call cmos_read
        mov bh, al
        call put_hex8
        call put_space
        verdict_equal bx, (REG_B_24H << 8) | REG_A_32KHZ | RATE_1024HZ

        print 'CMOS RAM byte 50h read back: '
        mov al, CMOS_FREE_BYTE
        mov ah, 0x5A
        call cmos_write
        mov al, CMOS_FREE_BYTE
        call cmos_read
        mov bl, al
        call put_hex8
        call put_space
        mov al, CMOS_FREE_BYTE
        mov ah, 0xA5
        call cmos_write
        mov al, CMOS_FREE_BYTE
        call cmos_read
        mov bh, al
        call put_hex8
        call put_space
        verdict_equal bx, 0xA55A

        ; --- the clock as it runs: read right after an update-ended interrupt, the registers are stable ---
        pic_unmask RTC_IRQ
        mov ah, REG_B_24H | REG_B_UIE
        call set_b
        call clear_c
        call wait_update
        xor bl, bl
        check_bcd RTC_SECONDS, 0x00, 0x59
        check_bcd RTC_MINUTES, 0x00, 0x59
        check_bcd RTC_HOURS, 0x00, 0x23
        check_bcd RTC_DAY_OF_WEEK, 0x01, 0x07
        check_bcd RTC_DAY, 0x01, 0x31
        check_bcd RTC_MONTH, 0x01, 0x12
        check_bcd RTC_YEAR, 0x00, 0x99
        check_bcd RTC_CENTURY, 0x19, 0x20
        print 'time after an update-ended interrupt: valid BCD, in range: '
        verdict_equal bl, 0

        ; --- UIP: right after an update it is clear; polled, it rises within the second and falls with the update ---
        mov al, RTC_SECONDS
        call cmos_read
        mov bh, al              ; seconds now
        mov al, RTC_REG_A
        call cmos_read
        mov bl, al              ; A right after the update: UIP must be clear
        and bl, REG_A_UIP
        mov ah, REG_B_24H       ; no interrupts while polling
        call set_b
        mov ecx, 0x10000000     ; bounded: far more reads than one second takes on any emulator
.rise:  mov al, RTC_REG_A
        call cmos_read
        test al, REG_A_UIP
        jnz .risen
        dec ecx
        jnz .rise
.risen: mov dl, al
        and dl, REG_A_UIP       ; UIP seen set
        mov ecx, 0x1000000
.fall:  mov al, RTC_REG_A
        call cmos_read
        test al, REG_A_UIP
        jz .fallen
        dec ecx
        jnz .fall
.fallen:
        mov al, RTC_SECONDS
        call cmos_read
        mov dh, al              ; seconds after the update
        print 'UIP clear after an update, set before the next, clear after it; seconds then advanced by one: '
        mov al, bh              ; BCD increment of the earlier seconds, 59 -> 00 (by nibbles, not DAA: KVM's
        mov ah, al              ; instruction emulator, which runs real mode on some hosts, lacks DAA)
        and ah, 0x0F
        cmp ah, 9
        je .carry
        inc al
        jmp .inc_ok
.carry: and al, 0xF0
        add al, 0x10
        cmp al, 0x60
        jne .inc_ok
        xor al, al
.inc_ok:
        cmp dh, al
        jne .uip_bad
        cmp bl, 0
        jne .uip_bad
        cmp dl, REG_A_UIP
        jne .uip_bad
        println 'ok'
        jmp .uip_end
.uip_bad:
        println 'wrong'
.uip_end:

        ; --- periodic rate: PIE at 64 Hz, counted from one update-ended interrupt to the next ---
        mov ah, REG_A_32KHZ | RATE_64HZ
        mov al, RTC_REG_A
        call cmos_write
        call clear_c
        mov byte [window_state], 1
        mov ah, REG_B_24H | REG_B_UIE | REG_B_PIE
        call set_b
        sti                     ; polled, not halted: see busy_wait_note
.rate:  cmp byte [window_state], 3
        jne .rate
        cli
        mov ah, REG_B_24H
        call set_b
        ; Rate 0 again: a real MC146818 keeps setting PF at the selected rate with PIE off, QEMU does not; with no
        ; rate selected the register C values below are the same on both.
        mov ah, REG_A_32KHZ
        mov al, RTC_REG_A
        call cmos_write
        print 'periodic interrupt at 64 Hz: interrupts between two update-ended interrupts within 60-68: '
        mov ax, [window_result]
        verdict_range ax, 60, 68

        ; --- SET protocol and rollovers ---
        mov si, time_2024_02_29
        call set_time
        mov al, 0x59
        call wait_seconds_change
        print '24-hour BCD: set Thu 2024-02-29 23:59:59, one update later: '
        call print_date
        call put_space
        mov al, RTC_HOURS
        call show_reg
        print ':'
        mov al, RTC_MINUTES
        call show_reg
        print ':'
        mov al, RTC_SECONDS
        call show_reg
        call print_dow
        mov si, expect_2024_03_01
        call verdict_regs

        mov si, time_2024_12_31
        call set_time
        mov al, 0x59
        call wait_seconds_change
        print '12-hour BCD: set Tue 2024-12-31 11:59:59 PM (hours 91), one update later: '
        call print_date
        print ' hours '
        mov al, RTC_HOURS
        call show_reg
        print ' minutes '
        mov al, RTC_MINUTES
        call show_reg
        call print_dow
        mov si, expect_2025_01_01
        call verdict_regs

        mov si, time_2024_06_30
        call set_time
        mov al, 59
        call wait_seconds_change
        print 'binary 24-hour: set Sun 2024-06-30 13:45:59 (0D 2D 3B), one update later (hex): '
        mov al, RTC_HOURS
        call show_reg
        call put_space
        mov al, RTC_MINUTES
        call show_reg
        call put_space
        mov al, RTC_SECONDS
        call show_reg
        print ', date '
        call print_date
        call print_dow
        mov si, expect_2024_06_30
        call verdict_regs

        ; --- alarm: hours and minutes "don't care" (C0h-FFh), seconds 32 ---
        mov si, time_alarm
        call set_time           ; leaves UIE on
        mov al, RTC_HOURS_ALARM
        mov ah, 0xC0
        call cmos_write
        mov al, RTC_MINUTES_ALARM
        mov ah, 0xC0
        call cmos_write
        mov al, RTC_SECONDS_ALARM
        mov ah, 0x32
        call cmos_write
        mov word [alarms], 0
        call clear_c
        mov ah, REG_B_24H | REG_B_UIE | REG_B_AIE
        call set_b
        mov cx, 4               ; the alarm is due at the second update
.alarm: call wait_update
        cmp word [alarms], 0
        jne .alarmed
        loop .alarm
.alarmed:
        mov ah, REG_B_24H
        call set_b
        print 'alarm at seconds 32, hours and minutes do not care: first AF at seconds '
        mov al, [af_seconds]
        call put_hex8
        print ' with C '
        mov al, [af_c]
        call put_hex8
        call put_space
        mov ah, [af_c]
        mov al, [af_seconds]
        verdict_equal ax, ((REG_C_IRQF | REG_C_AF | REG_C_UF) << 8) | 0x32

        ; --- register C clears when read: poll it (IRQ8 masked) until an update sets UF, then read it again ---
        pic_mask RTC_IRQ
        mov ah, REG_B_24H | REG_B_UIE
        call set_b
        call clear_c
        mov ecx, 0x10000000
.poll_c:
        mov al, RTC_REG_C
        call cmos_read
        test al, al
        jnz .c_set
        dec ecx
        jnz .poll_c
.c_set: mov bl, al
        mov al, RTC_REG_C
        call cmos_read
        mov bh, al
        mov ah, REG_B_24H
        call set_b
        call clear_c
        print 'register C after an update: '
        mov al, bl
        call put_hex8
        print ', read again: '
        mov al, bh
        call put_hex8
        call put_space
        verdict_equal bx, REG_C_IRQF | REG_C_UF
        jmp finish

%include "rom-end.inc"
