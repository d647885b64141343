; vga-planar.asm - VGA mode 12h (640x480, 16 colours, four planes) and the graphics controller's write paths.
;
; Each band of rows is drawn with one feature (80 bytes per row, each byte 8 pixels, bit 7 leftmost; colours are
; attribute-palette indices into the EGA DAC palette):
;   all rows            colour 1: write mode 0 with set/reset enabled on all planes
;   rows  16-111        16 bars 40 pixels wide, colour = x / 40: write mode 2
;   rows 128-191        colour 14 where (x & 7) = (row + x / 8) & 7, else 1: write mode 2 through the bit mask
;                       (each byte read first so the latches keep the other pixels)
;   rows 200-263        plane 2 written alone through the map mask: FFh in bytes 0-39, 0Fh in bytes 40-79,
;                       so colour 5 (1 + 4) where a bit was set, 1 elsewhere
;   rows 232-263        then plane 3 alone with AAh: even x gain 8
;   rows 280-343        write mode 0, set/reset on planes 0-1 only (value 2), CPU data F0h for planes 2-3:
;                       colour 14 for x & 7 < 4, colour 2 otherwise
;   rows 400-431        rows 16-47 copied byte by byte through the latches: write mode 1
;   rows 448-463, x 80-559  XOR with colour 15 (function select XOR, set/reset 15): 1 becomes 14
; Then read mode 0 (plane 2 bytes) and read mode 1 (colour compare) results go to the serial port.

%include "guest.inc"
%include "vga.inc"

BYTES_PER_ROW   equ 80

; gc REG, VALUE
%macro gc 2
        mov dx, VGA_GC
        mov ax, ((%2) << 8) | (%1)
        out dx, ax
%endmacro

%macro map_mask 1
        mov dx, VGA_SEQ
        mov ax, ((%1) << 8) | 0x02
        out dx, ax
%endmacro

; row_offset ROW -> DI
%macro row_offset 1
        mov di, (%1) * BYTES_PER_ROW
%endmacro

main:
        println 'VGA mode 12h planar guest'
        mov si, vga_mode12_table
        call vga_mode
        call vga_ega_palette
        mov ax, 0xA000
        mov es, ax

        ; --- background: set/reset = 1 on all planes ---
        map_mask 0x0F
        gc 0x00, 0x01           ; set/reset value
        gc 0x01, 0x0F           ; enable set/reset, all planes
        gc 0x08, 0xFF
        gc 0x05, 0x00
        xor di, di
        mov cx, 480 * BYTES_PER_ROW
        xor al, al
        rep stosb
        gc 0x01, 0x00

        ; --- write mode 2: bars ---
        gc 0x05, 0x02
        row_offset 16
        mov cx, 96
.bar_row:
        xor bx, bx
.bar_byte:
        mov ax, bx
        mov dl, 5
        div dl                  ; AL = byte / 5 = colour
        stosb
        inc bx
        cmp bx, BYTES_PER_ROW
        jb .bar_byte
        loop .bar_row

        ; --- write mode 2 through the bit mask: one pixel per byte ---
        row_offset 128
        mov si, 128             ; row
.mask_row:
        xor bx, bx
.mask_byte:
        mov ax, si
        add ax, bx
        and al, 7
        mov cl, al
        mov ah, 0x80
        shr ah, cl
        mov al, 0x08
        mov dx, VGA_GC
        out dx, ax              ; bit mask
        mov al, [es:di]         ; load the latches
        mov al, 14
        stosb
        inc bx
        cmp bx, BYTES_PER_ROW
        jb .mask_byte
        inc si
        cmp si, 192
        jb .mask_row
        gc 0x08, 0xFF

        ; --- map mask: plane 2 alone, then plane 3 alone ---
        gc 0x05, 0x00
        map_mask 0x04
        row_offset 200
        mov cx, 64
.plane2_row:
        mov al, 0xFF
        push cx
        mov cx, 40
        rep stosb
        mov al, 0x0F
        mov cx, 40
        rep stosb
        pop cx
        loop .plane2_row
        map_mask 0x08
        row_offset 232
        mov cx, 32 * BYTES_PER_ROW
        mov al, 0xAA
        rep stosb
        map_mask 0x0F

        ; --- set/reset on planes 0 and 1 only; planes 2 and 3 take the CPU byte ---
        gc 0x00, 0x02
        gc 0x01, 0x03
        row_offset 280
        mov cx, 64 * BYTES_PER_ROW
        mov al, 0xF0
        rep stosb
        gc 0x01, 0x00

        ; --- write mode 1: copy rows 16-47 to rows 400-431 through the latches ---
        gc 0x05, 0x01
        mov si, 16 * BYTES_PER_ROW
        row_offset 400
        mov cx, 32 * BYTES_PER_ROW
.copy:  mov al, [es:si]
        mov [es:di], al
        inc si
        inc di
        loop .copy

        ; --- function select XOR with set/reset 15 on every plane ---
        gc 0x05, 0x00
        gc 0x03, 0x18           ; XOR, no rotation
        gc 0x00, 0x0F
        gc 0x01, 0x0F
        mov si, 448
.xor_row:
        mov ax, si
        mov dx, BYTES_PER_ROW
        mul dx
        add ax, 10
        mov di, ax
        mov cx, 60
.xor_byte:
        mov al, [es:di]         ; latches
        stosb
        loop .xor_byte
        inc si
        cmp si, 464
        jb .xor_row
        gc 0x03, 0x00
        gc 0x01, 0x00
        gc 0x00, 0x00

        ; --- read mode 0: plane 2 ---
        gc 0x04, 0x02
        print 'read mode 0, plane 2, row 200 bytes 0 and 40: '
        mov al, [es:200 * BYTES_PER_ROW]
        mov bl, al
        call put_hex8
        call put_space
        mov al, [es:200 * BYTES_PER_ROW + 40]
        mov bh, al
        call put_hex8
        call put_space
        verdict_equal bx, 0x0FFF

        ; --- read mode 1: colour compare against 14, all planes compared ---
        gc 0x02, 14
        gc 0x07, 0x0F
        gc 0x05, 0x08
        print 'read mode 1, compare 14, byte 0 of rows 128, 129 and 280: '
        mov al, [es:128 * BYTES_PER_ROW]
        mov bl, al
        call put_hex8
        call put_space
        mov al, [es:129 * BYTES_PER_ROW]
        mov bh, al
        call put_hex8
        call put_space
        mov al, [es:280 * BYTES_PER_ROW]
        mov cl, al
        call put_hex8
        call put_space
        cmp bx, 0x4080
        jne .bad
        cmp cl, 0xF0
        jne .bad
        println 'ok'
        jmp .done
.bad:   println 'wrong'
.done:  gc 0x05, 0x00
        gc 0x04, 0x00
        gc 0x02, 0x00
        xor ax, ax
        mov es, ax
        jmp finish

%include "rom-end.inc"
