; keyboard.asm - the i8042 controller (60h/64h) and its PS/2 keyboard from the guest side.
;
; Controller: self-test (AAh -> 55h), keyboard interface test (ABh -> 00h), command byte round trip (60h/20h), output
; port read (D0h) and the A20 line it drives (D1h), checked on memory: with A20 off, FFFF:0F10 is 0000:0F00.
; Keyboard: reset (FFh -> FAh AAh), echo, identify (with translation on the ID's second byte is 41h), LEDs, enable
; scanning. Then IRQ1 is enabled, the guest prints "KEYS READY" and each scan code it receives (set 1, translated by
; the controller) on a line of its own, until it sees Enter released (9Ch).
; The harness then sends, one at a time: q, shift-v, m, up, ret (QEMU: HMP sendkey).

%include "guest.inc"

KBD_DATA        equ 0x60
KBD_STATUS      equ 0x64       ; read: status; write: controller command
STAT_OBF        equ 0x01
STAT_IBF        equ 0x02
KBD_IRQ         equ 1
ENTER_RELEASED  equ 0x9C

; command byte bits
CB_KBD_INT      equ 0x01
CB_SYS          equ 0x04
CB_KBD_OFF      equ 0x10
CB_MOUSE_OFF    equ 0x20
CB_TRANSLATE    equ 0x40

PIT_MODE        equ 0x43
PIT_CH0         equ 0x40

absolute guest_vars
ring:           resb 32        ; bytes from IRQ1, consumed by main
ring_head:      resw 1         ; next write (handler)
ring_tail:      resw 1         ; next read (main)
section .text

; kbc_wait_write: bounded wait until the controller's input buffer is empty.
kbc_wait_write:
        push ax
        push ecx
        mov ecx, 0x100000
.poll:  in al, KBD_STATUS
        test al, STAT_IBF
        jz .done
        dec ecx
        jnz .poll
.done:  pop ecx
        pop ax
        ret

; kbc_command: AL = controller command.
kbc_command:
        call kbc_wait_write
        out KBD_STATUS, al
        ret

; kbc_data: AL = byte for 60h (a command's parameter, or a byte for the keyboard).
kbc_data:
        call kbc_wait_write
        out KBD_DATA, al
        ret

; kbc_read: bounded wait for the output buffer -> AL (FFh with CF set on timeout). A keyboard's reset self-test
; may take hundreds of milliseconds on real hardware; 16M polls cover that.
kbc_read:
        push ecx
        mov ecx, 0x1000000
.poll:  in al, KBD_STATUS
        test al, STAT_OBF
        jnz .ready
        dec ecx
        jnz .poll
        mov al, 0xFF
        stc
        pop ecx
        ret
.ready: in al, KBD_DATA
        clc
        pop ecx
        ret

; kbc_flush: drops whatever is in the output buffer (bounded).
kbc_flush:
        push ax
        push cx
        mov cx, 64
.next:  in al, KBD_STATUS
        test al, STAT_OBF
        jz .done
        in al, KBD_DATA
        loop .next
.done:  pop cx
        pop ax
        ret

; read_show: reads a byte (kbc_read), prints it and a space; BX = BX << 8 | byte.
read_show:
        call kbc_read
        call put_hex8
        call put_space
        shl ebx, 8
        mov bl, al
        ret

kbd_isr:
        push ax
        push bx
        push ds
        xor ax, ax
        mov ds, ax
        in al, KBD_DATA
        mov bx, [ring_head]
        mov [ring + bx], al
        inc bx
        and bx, 31
        cmp bx, [ring_tail]
        je .full                ; full: the newest byte is dropped
        mov [ring_head], bx
.full:  eoi_master
        pop ds
        pop bx
        pop ax
        iret

main:
        println 'i8042 keyboard guest'
        ; PIT channel 0 to a finished one-shot: no timer ticks while the guest waits for keys
        mov al, 0x30
        out PIT_MODE, al
        mov al, 1
        out PIT_CH0, al
        xor al, al
        out PIT_CH0, al

        mov al, 0xAD            ; keyboard port off
        call kbc_command
        mov al, 0xA7            ; mouse port off
        call kbc_command
        call kbc_flush

        print 'controller self-test AA: '
        mov al, 0xAA
        call kbc_command
        xor ebx, ebx
        call read_show
        verdict_equal bl, 0x55

        print 'keyboard interface test AB: '
        mov al, 0xAB
        call kbc_command
        xor ebx, ebx
        call read_show
        verdict_equal bl, 0x00

        print 'command byte written 74, read back: '
        mov al, 0x60
        call kbc_command
        mov al, CB_TRANSLATE | CB_MOUSE_OFF | CB_KBD_OFF | CB_SYS
        call kbc_data
        mov al, 0x20
        call kbc_command
        xor ebx, ebx
        call read_show
        verdict_equal bl, CB_TRANSLATE | CB_MOUSE_OFF | CB_KBD_OFF | CB_SYS

        ; --- output port and A20 ---
        mov al, 0xD0
        call kbc_command
        call kbc_read
        mov bl, al
        print 'output port: reset line '
        mov al, bl
        and al, 1
        call put_hex4
        print ', A20 '
        mov al, bl
        shr al, 1
        and al, 1
        call put_hex4
        call put_space
        and bl, 0x03
        verdict_equal bl, 0x03

        mov al, 0xD1            ; write output port: A20 off, reset line kept high
        call kbc_command
        mov al, 0xDD
        call kbc_data
        call kbc_wait_write
        mov al, 0xD0
        call kbc_command
        call kbc_read
        mov bl, al
        and bl, 0x02
        mov ax, 0xFFFF
        mov es, ax
        mov byte [0x0F00], 0x5A
        mov al, [es:0x0F10]     ; 0x100F00 wraps to 0x000F00 with A20 off
        mov byte [0x0F00], 0xA5
        mov ah, [es:0x0F10]
        print 'A20 off (D1 DD): output port A20 '
        push ax
        mov al, bl
        shr al, 1
        call put_hex4
        pop ax
        print ', FFFF:0F10 follows 0000:0F00: '
        call put_hex8
        call put_space
        xchg al, ah
        call put_hex8
        xchg al, ah
        call put_space
        mov bh, 0
        cmp bl, 0
        jne .a20_off_bad
        cmp ax, 0xA55A
        jne .a20_off_bad
        println 'ok'
        jmp .a20_on
.a20_off_bad:
        println 'wrong'
.a20_on:
        mov al, 0xD1            ; A20 on again
        call kbc_command
        mov al, 0xDF
        call kbc_data
        call kbc_wait_write
        mov al, 0xD0
        call kbc_command
        call kbc_read
        mov bl, al
        and bl, 0x02
        mov byte [es:0x0F10], 0x3C  ; 0x100F00 is its own byte now
        mov al, [0x0F00]
        xor dx, dx
        mov es, dx
        print 'A20 on (D1 DF): output port A20 '
        push ax
        mov al, bl
        shr al, 1
        call put_hex4
        pop ax
        print ', 0000:0F00 unchanged: '
        call put_hex8
        call put_space
        mov ah, bl
        verdict_equal ax, 0x02A5

        ; --- the keyboard itself: translation on, keyboard port on, no interrupts yet ---
        mov al, 0x60
        call kbc_command
        mov al, CB_TRANSLATE | CB_MOUSE_OFF | CB_SYS
        call kbc_data
        mov al, 0xAE            ; keyboard port on
        call kbc_command
        call kbc_flush

        print 'keyboard reset FF: '
        mov al, 0xFF
        call kbc_data
        xor ebx, ebx
        call read_show
        call read_show
        verdict_equal bx, 0xFAAA

        print 'keyboard echo EE: '
        mov al, 0xEE
        call kbc_data
        xor ebx, ebx
        call read_show
        verdict_equal bl, 0xEE

        print 'keyboard identify F2 (translated): '
        mov al, 0xF2
        call kbc_data
        xor ebx, ebx
        call read_show
        call read_show
        call read_show
        verdict_equal ebx, 0xFAAB41

        print 'keyboard LEDs ED 07: '
        mov al, 0xED
        call kbc_data
        xor ebx, ebx
        call read_show
        mov al, 0x07
        call kbc_data
        call read_show
        verdict_equal bx, 0xFAFA

        print 'keyboard LEDs off ED 00, enable scanning F4: '
        mov al, 0xED
        call kbc_data
        xor ebx, ebx
        call read_show
        mov al, 0x00
        call kbc_data
        call read_show
        mov al, 0xF4
        call kbc_data
        call read_show
        verdict_equal ebx, 0xFAFAFA

        ; --- IRQ1 on: from here scan codes arrive by interrupt ---
        call kbc_flush
        mov word [ring_head], 0
        mov word [ring_tail], 0
        set_vector IRQ0_VECTOR + KBD_IRQ, kbd_isr
        pic_unmask KBD_IRQ
        mov al, 0x60
        call kbc_command
        mov al, CB_TRANSLATE | CB_MOUSE_OFF | CB_SYS | CB_KBD_INT
        call kbc_data
        call kbc_wait_write
        println 'KEYS READY'

.next:  cli
        mov bx, [ring_tail]
        cmp bx, [ring_head]
        jne .byte
        sti
        hlt                     ; sti;hlt: an interrupt cannot slip in between
        jmp .next
.byte:  mov al, [ring + bx]
        inc bx
        and bx, 31
        mov [ring_tail], bx
        print 'scan code '
        call put_hex8
        call put_crlf
        cmp al, ENTER_RELEASED
        jne .next

        pic_mask KBD_IRQ
        mov al, 0x60            ; keyboard interrupt off again
        call kbc_command
        mov al, CB_TRANSLATE | CB_MOUSE_OFF | CB_SYS
        call kbc_data
        call kbc_wait_write
        jmp finish

%include "rom-end.inc"
