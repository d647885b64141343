; vga-modex.asm - unchained 256-colour "mode X" (320x240) with two pages, flipped through the CRTC start address.
;
; DAC: the same 256-entry formula as mode 13h (vga_rgb332_palette). Pixel (x, y) of a page is in plane x & 3 at
; byte page + y * 80 + x / 4 (written through the map mask). Page 0 is at byte 0, page 1 at byte 4B00h (80 * 240).
;   page 0: colour = (x / 16 + (y / 16) * 20) & FFh (16x16 blocks), the outermost pixels FFh
;   page 1: colour = (y + x / 4) & FFh, the column x = 160 and the row y = 120 07h (red), the outermost pixels FFh
; The guest shows page 0, prints "PAGE 0 SHOWN" and waits for any byte on COM1 (the harness takes a screendump,
; then sends one). It then waits for the start of vertical retrace, sets the start address to 4B00h, prints
; "PAGE 1 SHOWN" with the start address read back, and ends.

%include "guest.inc"
%include "vga.inc"

WIDTH           equ 320
HEIGHT          equ 240
ROW_BYTES       equ 80
PAGE1           equ ROW_BYTES * HEIGHT      ; 4B00h

; page0_pixel / page1_pixel: BX = x, CX = y -> AL = colour
page0_pixel:
        call frame
        jc .done
        mov ax, cx
        shr ax, 4
        mov dl, 20
        mul dl
        mov dx, bx
        shr dx, 4
        add ax, dx
.done:  ret

page1_pixel:
        call frame
        jc .done
        mov al, 0x07
        cmp bx, 160
        je .done
        cmp cx, 120
        je .done
        mov ax, bx
        shr ax, 2
        add ax, cx
.done:  ret

; frame: CF set and AL = FFh on the outermost pixels.
frame:
        mov al, 0xFF
        cmp bx, 0
        je .yes
        cmp bx, WIDTH - 1
        je .yes
        cmp cx, 0
        je .yes
        cmp cx, HEIGHT - 1
        je .yes
        clc
        ret
.yes:   stc
        ret

; draw_page: DI = page start, BP = pixel routine. Plane by plane: each map-mask setting serves a quarter of the
; pixels.
draw_page:
        push es
        mov ax, 0xA000
        mov es, ax
        xor si, si              ; plane
.plane: mov cx, si
        mov ah, 1
        shl ah, cl
        mov al, 0x02
        mov dx, VGA_SEQ
        out dx, ax              ; map mask: this plane only
        push di
        xor cx, cx              ; y
.row:   mov bx, si              ; x = plane, then +4
.col:   push dx
        call bp
        pop dx
        stosb
        add bx, 4
        cmp bx, WIDTH
        jb .col
        inc cx
        cmp cx, HEIGHT
        jb .row
        pop di
        inc si
        cmp si, 4
        jb .plane
        pop es
        ret

; set_start: BX = start address (bytes of a plane).
set_start:
        mov dx, VGA_CRTC
        mov al, 0x0C
        mov ah, bh
        out dx, ax
        mov al, 0x0D
        mov ah, bl
        out dx, ax
        ret

print_start:
        mov al, 0x0C
        call vga_crtc_read
        mov ah, al
        mov al, 0x0D
        call vga_crtc_read
        call put_hex16
        ret

main:
        println 'VGA mode X guest'
        mov si, vga_modex_table
        call vga_mode
        call vga_rgb332_palette
        push es                 ; all four planes to 0
        mov ax, 0xA000
        mov es, ax
        mov dx, VGA_SEQ
        mov ax, 0x0F02
        out dx, ax
        xor di, di
        xor ax, ax
        mov cx, 0x8000
        rep stosw
        pop es
        xor bx, bx
        call set_start
        xor di, di
        mov bp, page0_pixel
        call draw_page
        mov di, PAGE1
        mov bp, page1_pixel
        call draw_page

        print 'PAGE 0 SHOWN, start address '
        call print_start
        call put_crlf
        mov ecx, 0x10000000     ; wait for the harness's byte (bounded, though the bound is long)
        mov dx, COM1 + 5
.wait:  in al, dx
        test al, 0x01
        jnz .go
        dec ecx
        jnz .wait
        println 'no byte on COM1: flipping anyway'
.go:    mov dx, COM1
        in al, dx               ; the byte itself does not matter

        call vga_wait_retrace_start
        mov bx, PAGE1
        call set_start
        print 'PAGE 1 SHOWN, start address '
        call print_start
        call put_space
        cmp ax, PAGE1
        jne .bad
        println 'ok'
        jmp finish
.bad:   println 'wrong'
        jmp finish

%include "rom-end.inc"
