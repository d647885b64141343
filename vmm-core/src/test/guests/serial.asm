; serial.asm - the 16550A UART on COM1 (3F8h, IRQ4) from the guest side.
;
; Registers (divisor latch, LCR, IER, scratch, IIR FIFO bits, LSR), then loopback mode (MCR bit 4): modem status
; lines, polled receive, overrun with and without FIFOs, then the four interrupt sources that loopback can drive,
; taken through the master 8259 on IRQ4: receive-data at the FIFO trigger level, character timeout, THR empty and
; receiver line status. COM1 is also the console, so while in loopback the results are recorded in RAM and printed
; after loopback is off. Each line ends "ok" when the values are what the PC16550D datasheet says, "wrong" if not.

%include "guest.inc"

UART_IRQ        equ 4
IER_RDA         equ 0x01
IER_THRE        equ 0x02
IER_RLS         equ 0x04
MCR_LOOP_OUT2   equ 0x18       ; loopback, with OUT2 (the PC's IRQ gate) kept on
LOOPBACK_DIVISOR equ 48        ; 2400 baud

absolute guest_vars
irq_count:      resw 1         ; interrupts taken on IRQ4
iir_log:        resb 8         ; IIR values the handler saw, in order
iir_log_len:    resw 1
rx_count:       resw 1         ; bytes the handler drained
rx_last:        resb 1
lsr_in_handler: resb 1
lsr_acc:        resb 1         ; every LSR value wait_temt read, ORed
rec_buf:        resb 96        ; facts recorded while the console is looped back
rec_len:        resw 1
rec_pos:        resw 1
line_bad:       resb 1
section .text

; --- small helpers ------------------------------------------------------------------------------------------------
; uart_write OFFSET, VALUE
%macro uart_write 2
        mov dx, COM1 + (%1)
        mov al, %2
        out dx, al
%endmacro

; uart_read OFFSET -> AL
%macro uart_read 1
        mov dx, COM1 + (%1)
        in al, dx
%endmacro

; wait_temt: bounded poll until the transmitter is empty (in loopback, the byte has then been received). Reading LSR
; clears its error bits, so every value read is ORed into lsr_acc, where a check can still find them. 1M reads
; outlast a character at 2400 baud (4.2 ms) even at a tenth of a microsecond per read.
wait_temt:
        push ax
        push ecx
        push dx
        mov dx, COM1 + 5
        mov ecx, 0x100000
.poll:  in al, dx
        or [lsr_acc], al
        test al, LSR_TEMT
        jnz .done
        dec ecx
        jnz .poll
.done:  pop dx
        pop ecx
        pop ax
        ret

; set_divisor: AX = baud-rate divisor (DLAB on, DLL/DLM, DLAB off; LCR 8N1).
set_divisor:
        push dx
        push ax
        mov dx, COM1 + 3
        mov al, 0x80
        out dx, al
        pop ax
        push ax
        mov dx, COM1
        out dx, al
        mov al, ah
        inc dx
        out dx, al
        mov dx, COM1 + 3
        mov al, 0x03
        out dx, al
        pop ax
        pop dx
        ret

; rec: appends AL to the record (bounded).
rec:
        push bx
        mov bx, [rec_len]
        cmp bx, 96
        jae .full
        mov [rec_buf + bx], al
        inc word [rec_len]
.full:  pop bx
        ret

; check VALUE: records AL and marks the line bad when AL differs from VALUE.
%macro check 1
        call rec
        cmp al, %1
        je %%same
        mov byte [line_bad], 1
%%same:
%endmacro

; end_line: records the line's verdict and starts a new line.
end_line:
        push ax
        mov al, [line_bad]
        call rec
        mov byte [line_bad], 0
        pop ax
        ret

; show: prints the next recorded byte in hex, followed by `%1` (a string, may be empty).
next_rec:
        push bx
        mov bx, [rec_pos]
        mov al, [rec_buf + bx]
        inc word [rec_pos]
        pop bx
        ret

%macro show 1+
        call next_rec
        call put_hex8
        print %1
%endmacro

show_verdict:
        call next_rec
        test al, al
        jnz .bad
        println ' ok'
        ret
.bad:   println ' wrong'
        ret

; wait_irqs: sleeps (STI;HLT) until irq_count >= CX. Only IRQ4 is unmasked, and every wait follows an action that
; makes the UART interrupt, so this ends; a UART that never interrupts leaves the guest waiting for the harness's
; timeout. (A poll count cannot bound it: a character timeout is milliseconds, a poll a nanosecond or a microsecond.)
wait_irqs:
.check: cmp [irq_count], cx
        jae .done
        sti
        hlt
        cli
        jmp .check
.done:  ret

; wait_irqs_briefly: polls irq_count for 64 rounds with interrupts enabled - enough for an interrupt that is already
; pending to be taken, far short of the four character times after which the receiver's timeout interrupt comes.
wait_irqs_briefly:
        push eax
        mov eax, 64
        sti
.poll:  cmp [irq_count], cx
        jae .done
        dec eax
        jnz .poll
.done:  cli
        pop eax
        ret

reset_log:
        mov word [irq_count], 0
        mov dword [iir_log], 0
        mov dword [iir_log + 4], 0
        mov word [iir_log_len], 0
        mov word [rx_count], 0
        mov byte [rx_last], 0
        mov byte [lsr_in_handler], 0
        ret

; --- the IRQ4 handler: logs each pending source (IIR) and services it, as a driver would --------------------------
uart_isr:
        push ax
        push bx
        push cx
        push dx
        push ds
        xor ax, ax
        mov ds, ax
        inc word [irq_count]
        mov cx, 8               ; bounded: a UART that never clears its IIR cannot hang the guest
.source:
        mov dx, COM1 + 2
        in al, dx
        test al, 0x01
        jnz .none
        mov bx, [iir_log_len]
        cmp bx, 8
        jae .logged
        mov [iir_log + bx], al
        inc word [iir_log_len]
.logged:
        and al, 0x0E
        cmp al, 0x04            ; received data available
        je .drain
        cmp al, 0x0C            ; character timeout
        je .drain
        cmp al, 0x06            ; receiver line status: reading LSR clears it
        jne .next               ; THR empty (02) was cleared by reading IIR
        mov dx, COM1 + 5
        in al, dx
        mov [lsr_in_handler], al
        jmp .next
.drain: mov bx, 32
.byte:  mov dx, COM1 + 5
        in al, dx
        test al, 0x01
        jz .next
        mov dx, COM1
        in al, dx
        mov [rx_last], al
        inc word [rx_count]
        dec bx
        jnz .byte
.next:  loop .source
.none:  eoi_master
        pop ds
        pop dx
        pop cx
        pop bx
        pop ax
        iret

; === main =========================================================================================================
main:
        println 'UART 16550A guest'

        ; --- divisor latch, LCR, scratch, IER ---
        call wait_temt          ; the divisor latch shares offsets 0 and 1 with THR and IER: no printing while DLAB is on
        uart_write 3, 0x80
        uart_write 0, 0x0C
        uart_write 1, 0x00
        uart_read 0
        mov bl, al
        uart_read 1
        mov bh, al
        uart_write 0, 0x01      ; back to 115200 for the console
        uart_write 1, 0x00
        uart_write 3, 0x03
        print 'divisor latch read back: '
        mov al, bl
        call put_hex8
        call put_space
        mov al, bh
        call put_hex8
        cmp bx, 0x000C
        call verdict_line_z

        call wait_temt
        uart_write 3, 0x1B      ; 8 data bits, 1 stop, even parity
        uart_read 3
        mov bl, al
        uart_write 3, 0x03
        print 'LCR read back: '
        mov al, bl
        call put_hex8
        cmp bl, 0x1B
        call verdict_line_z

        print 'scratch register: '
        uart_write 7, 0x55
        uart_read 7
        call put_hex8
        mov bl, al
        call put_space
        uart_write 7, 0xAA
        uart_read 7
        call put_hex8
        mov bh, al
        cmp bx, 0xAA55
        call verdict_line_z

        print 'IER read back: '
        uart_write 1, 0xFF      ; only the low four bits exist
        uart_read 1
        call put_hex8
        mov bl, al
        uart_write 1, 0x00
        cmp bl, 0x0F
        call verdict_line_z

        print 'IIR with FIFOs off: '
        uart_write 2, 0x00
        uart_read 2
        call put_hex8
        mov bl, al
        print ', on: '
        uart_write 2, 0x07
        uart_read 2
        call put_hex8
        mov bh, al
        cmp bx, 0xC101
        call verdict_line_z

        call wait_temt
        print 'LSR idle: '
        uart_read 5
        call put_hex8
        cmp al, 0x60
        call verdict_line_z

        ; --- loopback: nothing reaches the console from here until MCR is restored ---
        ; 2400 baud: four character times (the receiver's timeout) are 16.7 ms, longer than any emulator takes
        ; between two of the guest's writes, even one whose every port access is a slow exit to a hypervisor.
        mov word [rec_len], 0
        mov byte [line_bad], 0
        call wait_temt
        mov ax, LOOPBACK_DIVISOR
        call set_divisor

        ; modem status: DTR->DSR, RTS->CTS, OUT1->RI, OUT2->DCD (MSR bits 5, 4, 6, 7)
        uart_write 4, 0x10
        uart_read 6
        and al, 0xF0
        check 0x00
        uart_write 4, 0x11
        uart_read 6
        and al, 0xF0
        check 0x20
        uart_write 4, 0x12
        uart_read 6
        and al, 0xF0
        check 0x10
        uart_write 4, 0x14
        uart_read 6
        and al, 0xF0
        check 0x40
        uart_write 4, 0x18
        uart_read 6
        and al, 0xF0
        check 0x80
        call end_line

        ; polled receive, FIFOs off
        uart_write 2, 0x00
        uart_write 4, MCR_LOOP_OUT2
        uart_write 0, 'Q'
        call wait_temt
        uart_read 5
        check 0x61
        uart_read 0
        check 'Q'
        uart_read 5
        check 0x60
        call end_line

        ; overrun, FIFOs off: the second byte replaces the first and sets OE, which reading LSR clears
        uart_write 0, 0x11
        call wait_temt
        mov byte [lsr_acc], 0
        uart_write 0, 0x22
        call wait_temt
        uart_read 5
        or al, [lsr_acc]
        check 0x63
        uart_read 5
        check 0x61
        uart_read 0
        check 0x22
        call end_line

        ; FIFO overrun: 17 bytes into a 16-byte receive FIFO keep the first 16 and set OE
        uart_write 2, 0x07
        mov bl, 0x40
.fill:  mov dx, COM1
        mov al, bl
        out dx, al
        call wait_temt
        inc bl
        cmp bl, 0x50
        jb .fill
        mov byte [lsr_acc], 0   ; the 17th byte overruns
        mov dx, COM1
        mov al, bl
        out dx, al
        call wait_temt
        uart_read 5
        or al, [lsr_acc]
        check 0x63
        xor cx, cx              ; CL = bytes read, BL = first, BH = last
        mov si, 32
.empty: uart_read 5
        test al, 0x01
        jz .emptied
        uart_read 0
        test cl, cl
        jnz .notfirst
        mov bl, al
.notfirst:
        mov bh, al
        inc cl
        dec si
        jnz .empty
.emptied:
        mov al, cl
        check 16
        mov al, bl
        check 0x40
        mov al, bh
        check 0x4F
        call end_line

        ; --- interrupts through the PIC ---
        ; IRQ4 has been masked while the IER test above raised and dropped it; initialising the 8259s again resets
        ; their edge detectors, so only what follows can interrupt.
        call pic_init
        set_vector IRQ0_VECTOR + UART_IRQ, uart_isr
        pic_unmask UART_IRQ

        ; receive-data interrupt at trigger level 4: none after 3 bytes, one after the 4th
        uart_write 2, 0x47
        call reset_log
        uart_write 1, IER_RDA
        mov bl, 'a'
.three: mov dx, COM1
        mov al, bl
        out dx, al
        call wait_temt
        inc bl
        cmp bl, 'd'
        jb .three
        mov cx, 1
        call wait_irqs_briefly
        mov al, [irq_count]
        check 0
        uart_write 0, 'd'
        call wait_temt
        mov cx, 1
        call wait_irqs
        mov al, [iir_log]
        check 0xC4
        mov al, [rx_count]
        check 4
        mov al, [rx_last]
        check 'd'
        call end_line

        ; character timeout: two bytes stay below the trigger level; the UART reports them after 4 character times
        call reset_log
        uart_write 0, 'e'
        call wait_temt
        uart_write 0, 'f'
        call wait_temt
        mov cx, 1
        call wait_irqs
        mov al, [iir_log]
        check 0xCC
        mov al, [rx_count]
        check 2
        mov al, [rx_last]
        check 'f'
        call end_line

        ; THR empty: enabling the interrupt with an empty THR raises it; so does each byte sent
        uart_write 1, 0x00
        uart_write 2, 0x07
        call reset_log
        uart_write 1, IER_THRE
        mov cx, 1
        call wait_irqs
        mov al, [iir_log]
        check 0xC2
        uart_write 0, 'g'
        call wait_temt
        mov cx, 2
        call wait_irqs
        mov al, [iir_log + 1]
        check 0xC2
        mov al, [irq_count]
        check 2
        uart_write 1, 0x00
        uart_read 0             ; the looped-back 'g' (no receive interrupt was enabled)
        check 'g'
        call end_line

        ; receiver line status: an overrun with FIFOs off. After the second byte nothing may read LSR but the handler:
        ; reading it clears OE and with it the interrupt.
        uart_write 2, 0x00
        call reset_log
        uart_write 1, IER_RLS
        uart_write 0, 0x11
        call wait_temt
        uart_write 0, 0x22
        mov cx, 1
        call wait_irqs
        mov al, [iir_log]
        check 0x06
        mov al, [lsr_in_handler]
        and al, 0x1F            ; error and data bits; THRE/TEMT timing is the emulator's business
        check 0x03
        uart_write 1, 0x00
        uart_read 0
        check 0x22
        call end_line

        pic_mask UART_IRQ
        mov ax, 1               ; 115200 baud again
        call set_divisor
        uart_write 4, 0x03      ; loopback off: the console is back
        uart_write 2, 0x07

        ; --- report what loopback recorded ---
        mov word [rec_pos], 0
        print 'loopback MSR status for MCR 10 11 12 14 18: '
        show ' '
        show ' '
        show ' '
        show ' '
        show ''
        call show_verdict
        print 'loopback polled byte: LSR '
        show ', data '
        show ', LSR after read '
        show ''
        call show_verdict
        print 'loopback overrun, FIFOs off: LSR '
        show ', then '
        show ', data '
        show ''
        call show_verdict
        print 'loopback FIFO overrun: 17 bytes sent, LSR '
        show ', kept '
        show ' bytes (hex), first '
        show ', last '
        show ''
        call show_verdict
        print 'IRQ4 receive trigger 4: interrupts after 3 bytes '
        show ', then IIR '
        show ', bytes drained '
        show ', last '
        show ''
        call show_verdict
        print 'IRQ4 character timeout: IIR '
        show ', bytes drained '
        show ', last '
        show ''
        call show_verdict
        print 'IRQ4 THR empty: IIR on enable '
        show ', after a byte '
        show ', interrupts '
        show ', data '
        show ''
        call show_verdict
        print 'IRQ4 line status: IIR '
        show ', LSR low bits '
        show ', data '
        show ''
        call show_verdict

        jmp finish

; verdict_line_z: ends a directly printed line with " ok" when ZF is set, " wrong" otherwise.
verdict_line_z:
        jne .bad
        println ' ok'
        ret
.bad:   println ' wrong'
        ret

%include "rom-end.inc"
