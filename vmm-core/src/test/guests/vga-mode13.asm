; vga-mode13.asm - VGA mode 13h (320x200, 256 colours, chain-4) programmed register by register.
;
; DAC: all 256 entries from a formula (vga_rgb332_palette: red = (i & 7) * 9, green = ((i >> 3) & 7) * 9,
; blue = (i >> 6) * 21, 6-bit levels), read back through 3C7h/3C9h. Picture, for x in 0-319, y in 0-199:
;   colour = (x XOR y) & FFh
;   except 20 <= x < 60 and 20 <= y < 60: E0h (a solid square)
;   except x - 60 = y: 3Fh (a diagonal)
;   except the outermost pixels (x = 0, x = 319, y = 0, y = 199): FFh (a frame)
; later rules win. In chain-4 mode pixel (x, y) is the byte at A000:(y * 320 + x).

%include "guest.inc"
%include "vga.inc"

WIDTH           equ 320
HEIGHT          equ 200

; pixel: BX = x, CX = y -> AL = colour
pixel:
        cmp bx, 0
        je .frame
        cmp bx, WIDTH - 1
        je .frame
        cmp cx, 0
        je .frame
        cmp cx, HEIGHT - 1
        je .frame
        mov ax, bx
        sub ax, 60
        cmp ax, cx
        je .diagonal
        cmp bx, 20
        jb .xor
        cmp bx, 60
        jae .xor
        cmp cx, 20
        jb .xor
        cmp cx, 60
        jae .xor
        mov al, 0xE0
        ret
.xor:   mov al, bl
        xor al, cl
        ret
.diagonal:
        mov al, 0x3F
        ret
.frame: mov al, 0xFF
        ret

draw:
        push es
        mov ax, 0xA000
        mov es, ax
        xor di, di
        xor cx, cx              ; y
.row:   xor bx, bx              ; x
.col:   call pixel
        stosb
        inc bx
        cmp bx, WIDTH
        jb .col
        inc cx
        cmp cx, HEIGHT
        jb .row
        pop es
        ret

main:
        println 'VGA mode 13h guest'
        mov si, vga_mode13_table
        call vga_mode
        call vga_rgb332_palette
        call draw
        print 'DAC entries 0-255 read back as written: '
        call vga_check_rgb332_palette
        jne .bad
        println 'ok'
        jmp .regs
.bad:   println 'wrong'
.regs:  print 'read back: misc '
        mov dx, VGA_MISC_READ
        in al, dx
        call put_hex8
        mov bl, al
        print ', SR4 '
        mov dx, VGA_SEQ
        mov al, 4
        out dx, al
        inc dx
        in al, dx
        call put_hex8
        mov bh, al
        print ', GR5 '
        mov dx, VGA_GC
        mov al, 5
        out dx, al
        inc dx
        in al, dx
        call put_hex8
        call put_space
        mov ah, al
        cmp bx, 0x0E63
        jne .regs_bad
        cmp ah, 0x40
        jne .regs_bad
        println 'ok'
        jmp finish
.regs_bad:
        println 'wrong'
        jmp finish

%include "rom-end.inc"
