; QuasiVM device test guest: a 64 KiB BIOS image (nasm -f bin) that exercises the PC devices from the guest side
; and reports on COM1, so its output can be compared byte for byte with QEMU's (qemu-system-i386 -bios).
; It prints register values a BIOS would see at power-on and the results of interrupt-driven measurements,
; then halts. Only what must be identical on a correct PC is printed: no times, no host-dependent values.
        bits 16
        org 0

COM1    equ 0x3F8
STACK   equ 0x7000
COUNT   equ 0x0500              ; interrupt counter (word, in RAM)
EVENTS  equ 0x0502              ; UART interrupt identifications seen (bytes)
NEVENTS equ 0x0510

start:  cli
        cld
        xor ax, ax
        mov ss, ax
        mov sp, STACK
        mov ds, ax
        mov es, ax
        call serial_init
        mov si, msg_banner
        call puts
        ; A CPU with a local APIC comes out of reset with LINT0 masked (QEMU models this): until firmware sets up
        ; virtual wire mode no 8259 interrupt reaches it. Disabling the APIC globally makes INTR a plain pin again.
        mov eax, 1
        cpuid
        test edx, 1 << 9
        jz .no_apic
        mov ecx, 0x1B           ; IA32_APIC_BASE
        rdmsr
        and eax, ~(1 << 11)     ; global enable off
        wrmsr
.no_apic:

; ---- power-on register values
        mov si, msg_rtc
        call puts
        mov al, 0x0A            ; RTC register A, B, D
        call cmos_read
        call puthex
        mov al, 0x0B
        call cmos_read
        call puthex
        mov al, 0x0D
        call cmos_read
        call puthex
        call crlf

        mov si, msg_uart
        call puts
        mov dx, COM1 + 2        ; IIR with FIFOs on: C1 (no interrupt pending)
        in al, dx
        call puthex
        mov dx, COM1 + 5        ; LSR: THR and transmitter empty
        in al, dx
        call puthex
        mov dx, COM1 + 7        ; scratch register
        mov al, 0x5A
        out dx, al
        in al, dx
        call puthex
        call crlf

; ---- programmable interrupt controllers: vectors 08h and 70h, everything masked
        mov al, 0x11
        out 0x20, al
        out 0xA0, al
        mov al, 0x08
        out 0x21, al
        mov al, 0x70
        out 0xA1, al
        mov al, 0x04
        out 0x21, al
        mov al, 0x02
        out 0xA1, al
        mov al, 0x01
        out 0x21, al
        out 0xA1, al
        mov al, 0xFF
        out 0x21, al
        out 0xA1, al
        mov si, msg_pic
        call puts
        in al, 0x21             ; IMR reads back
        call puthex
        mov al, 0x0B            ; OCW3: read ISR
        out 0x20, al
        in al, 0x20
        call puthex
        call crlf

        mov word [8 * 4], irq0
        mov word [8 * 4 + 2], 0xF000
        mov word [0x70 * 4], irq8
        mov word [0x70 * 4 + 2], 0xF000
        mov word [0x0C * 4], irq4
        mov word [0x0C * 4 + 2], 0xF000

; ---- PIT: read-back status after programming counter 2, then 1 kHz on IRQ 0 over one RTC second
        mov al, 0xB4            ; counter 2, LSB/MSB, mode 2, binary
        out 0x43, al
        mov al, 0xE8
        out 0x42, al
        mov al, 0x03
        out 0x42, al            ; count 1000
        mov al, 0xE8            ; read-back: status of counter 2
        out 0x43, al
        in al, 0x42
        mov si, msg_pit
        call puts
        and al, 0x7F            ; OUT depends on the gate (port 61h); the rest must match
        call puthex
        call crlf

        mov al, 0x34            ; counter 0, mode 2, 1193 -> 1000.15 Hz
        out 0x43, al
        mov al, 1193 & 0xFF
        out 0x40, al
        mov al, 1193 >> 8
        out 0x40, al
        mov al, 0xFE            ; IRQ 0 only
        out 0x21, al
        call rtc_second         ; align with the RTC's update
        mov word [COUNT], 0
        sti
        call rtc_second
        cli
        mov si, msg_pit_rate
        call puts
        mov ax, [COUNT]
        mov bx, 990
        mov cx, 1010
        call verdict

; ---- RTC periodic interrupt at 1024 Hz over one second
        mov al, 0xFF
        out 0x21, al
        mov al, 0x0A
        mov ah, 0x26            ; 32.768 kHz time base, rate 6 = 1024 Hz
        call cmos_write
        mov al, 0x0C
        call cmos_read          ; clear stale flags
        mov al, 0xFB            ; cascade
        out 0x21, al
        mov al, 0xFE            ; IRQ 8
        out 0xA1, al
        call rtc_second
        mov word [COUNT], 0
        mov al, 0x0B
        mov ah, 0x42            ; PIE, 24 hours, BCD
        call cmos_write
        sti
        call rtc_second
        cli
        mov al, 0x0B
        mov ah, 0x02
        call cmos_write
        mov si, msg_rtc_rate
        call puts
        mov ax, [COUNT]
        mov bx, 1014
        mov cx, 1034
        call verdict
        mov al, 0xFF
        out 0xA1, al
        out 0x21, al

; ---- UART: THR-empty interrupts through OUT2 and the PIC
        mov byte [NEVENTS], 0
        mov al, 0xEF            ; IRQ 4
        out 0x21, al
        mov dx, COM1 + 4
        mov al, 0x0B            ; DTR, RTS, OUT2
        out dx, al
        sti
        mov dx, COM1 + 1
        mov al, 0x02            ; enabling ETBEI with THR empty interrupts at once
        out dx, al
        call settle
        mov dx, COM1
        mov al, '.'
        out dx, al              ; a written byte empties THR again: a second interrupt
        call settle
        cli
        mov dx, COM1 + 1
        xor al, al
        out dx, al
        mov dx, COM1 + 4
        mov al, 0x03
        out dx, al
        mov si, msg_uart_irq
        call puts
        movzx cx, byte [NEVENTS]
        mov al, cl
        call puthex
        mov si, EVENTS
.ev:    jcxz .evdone
        lodsb
        call puthex
        dec cx
        jmp .ev
.evdone:
        call crlf

; ---- keyboard controller
        mov si, msg_kbc
        call puts
        mov al, 0xAA            ; self test
        out 0x64, al
        call kbc_read
        call puthex
        mov al, 0x60            ; command byte: no interrupts, translation
        out 0x64, al
        mov al, 0x40
        call kbc_write_data
        mov al, 0x20
        out 0x64, al
        call kbc_read
        call puthex
        mov al, 0xFF            ; keyboard reset: ACK, then self test passed
        call kbc_write_data
        call kbc_read
        call puthex
        call kbc_read
        call puthex
        mov al, 0xF2            ; identify, translated: FA AB 41
        call kbc_write_data
        call kbc_read
        call puthex
        call kbc_read
        call puthex
        call kbc_read
        call puthex
        call crlf

        mov si, msg_done
        call puts
.halt:  cli
        hlt
        jmp .halt

; ---- interrupt handlers
irq0:   push ax
        inc word [COUNT]
        mov al, 0x20
        out 0x20, al
        pop ax
        iret

irq8:   push ax
        inc word [COUNT]
        mov al, 0x0C            ; reading register C acknowledges the RTC
        out 0x70, al
        in al, 0x71
        mov al, 0x20
        out 0xA0, al
        out 0x20, al
        pop ax
        iret

irq4:   push ax
        push dx
        push bx
        mov dx, COM1 + 2
        in al, dx               ; identify (and acknowledge THRE)
        and al, 0x0F
        movzx bx, byte [NEVENTS]
        cmp bx, 12
        jae .full
        mov [EVENTS + bx], al
        inc byte [NEVENTS]
.full:  mov al, 0x20
        out 0x20, al
        pop bx
        pop dx
        pop ax
        iret

; ---- helpers
settle: mov cx, 2000            ; let pending interrupts in
.l:     loop .l
        ret

; waits until the RTC has just updated its seconds (the update-in-progress bit falls)
rtc_second:
        push ax
.hi:    mov al, 0x0A
        call cmos_read
        test al, 0x80
        jz .hi
.lo:    mov al, 0x0A
        call cmos_read
        test al, 0x80
        jnz .lo
        pop ax
        ret

cmos_read:                      ; al = register -> al = value
        out 0x70, al
        in al, 0x71
        ret

cmos_write:                     ; al = register, ah = value
        out 0x70, al
        mov al, ah
        out 0x71, al
        ret

kbc_read:                       ; waits for the output buffer
.w:     in al, 0x64
        test al, 0x01
        jz .w
        in al, 0x60
        ret

kbc_write_data:
        push ax
.w:     in al, 0x64
        test al, 0x02
        jnz .w
        pop ax
        out 0x60, al
        ret

; ax in [bx, cx] -> "ok", else "FAIL xxxx"
verdict:
        cmp ax, bx
        jb .bad
        cmp ax, cx
        ja .bad
        mov si, msg_ok
        jmp puts
.bad:   push ax
        mov si, msg_fail
        call puts
        pop ax
        push ax
        mov al, ah
        call puthex_raw
        pop ax
        call puthex_raw
        jmp crlf

serial_init:
        mov dx, COM1 + 3
        mov al, 0x80
        out dx, al
        mov dx, COM1
        mov al, 1               ; 115200 baud
        out dx, al
        inc dx
        xor al, al
        out dx, al
        mov dx, COM1 + 3
        mov al, 0x03            ; 8N1
        out dx, al
        mov dx, COM1 + 2
        mov al, 0x07            ; FIFOs on and cleared
        out dx, al
        mov dx, COM1 + 4
        mov al, 0x03
        out dx, al
        ret

putc:   push dx
        push ax
        mov dx, COM1 + 5
.w:     in al, dx
        test al, 0x20
        jz .w
        pop ax
        mov dx, COM1
        out dx, al
        pop dx
        ret

puts:   push ax
.n:     cs lodsb
        test al, al
        jz .d
        call putc
        jmp .n
.d:     pop ax
        ret

crlf:   mov al, 13
        call putc
        mov al, 10
        jmp putc

puthex: call puthex_raw         ; two hex digits and a space
        push ax
        mov al, ' '
        call putc
        pop ax
        ret

puthex_raw:
        push ax
        shr al, 4
        call .digit
        pop ax
        push ax
        and al, 0x0F
        call .digit
        pop ax
        ret
.digit: add al, '0'
        cmp al, '9'
        jbe .p
        add al, 7
.p:     jmp putc

msg_banner:   db "QuasiVM device test", 13, 10, 0
msg_rtc:      db "rtc A B D: ", 0
msg_uart:     db "uart IIR LSR SCR: ", 0
msg_pic:      db "pic IMR ISR: ", 0
msg_pit:      db "pit status: ", 0
msg_pit_rate: db "pit 1 kHz on IRQ 0 over one RTC second: ", 0
msg_rtc_rate: db "rtc 1024 Hz periodic IRQ 8 over one second: ", 0
msg_uart_irq: db "uart THRE interrupts (count, IIRs): ", 0
msg_kbc:      db "kbc self-test CCB reset identify: ", 0
msg_ok:       db "ok", 13, 10, 0
msg_fail:     db "FAIL ", 0
msg_done:     db "DONE", 13, 10, 0

        times 0xFFF0 - ($ - $$) db 0xFF
reset:  jmp 0xF000:start
        times 0x10000 - ($ - $$) db 0xFF
