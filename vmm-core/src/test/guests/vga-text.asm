; vga-text.asm - VGA mode 3 (80x25 text, 9x16 cells) programmed register by register, with a font of our own.
;
; Loads the mode-3 register table, the 64-colour EGA palette into the DAC and the guest font into plane 2, then
; writes a screen of text with many attributes, line-graphics characters, all 16 foreground and background colours,
; and places the cursor at row 22, column 10. Blinking is switched off (attribute mode control bit 3), so attribute
; bit 7 selects a bright background - what QEMU always draws. Prints register read-backs, then DONE when the screen
; is final. The expected picture is described in README.md and recomputed by the tests from this table and font.inc.

%include "guest.inc"
%include "vga.inc"

TEXT_SEGMENT    equ 0xB800
COLUMNS         equ 80
ROWS            equ 25
CURSOR_ROW      equ 22
CURSOR_COLUMN   equ 10
AC_MODE_NO_BLINK equ 0x04      ; mode control: line graphics on, blink off, text

; screen entries: STRING row, column, attribute, 'text' / RUN row, column, attribute, character, count
ENTRY_END       equ 0
ENTRY_STRING    equ 1
ENTRY_RUN       equ 2
%macro STRING 4
        db ENTRY_STRING, %1, %2, %3, %4, 0
%endmacro
%macro RUN 5
        db ENTRY_RUN, %1, %2, %3, %4, %5
%endmacro

screen:
        RUN     0, 0, 0x1F, ' ', 80
        STRING  0, 26, 0x1F, 'QUASIVM VGA TEXT MODE 80X25'
        STRING  2, 2, 0x07, 'ATTRIBUTE 07: LIGHT GREY ON BLACK'
        STRING  3, 2, 0x0F, 'ATTRIBUTE 0F: WHITE ON BLACK'
        STRING  4, 2, 0x0E, 'ATTRIBUTE 0E: YELLOW ON BLACK'
        STRING  5, 2, 0x1E, 'ATTRIBUTE 1E: YELLOW ON BLUE'
        STRING  6, 2, 0x4F, 'ATTRIBUTE 4F: WHITE ON RED'
        STRING  7, 2, 0x2A, 'ATTRIBUTE 2A: LIGHT GREEN ON GREEN'
        STRING  8, 2, 0x70, 'ATTRIBUTE 70: BLACK ON LIGHT GREY'
        STRING  9, 2, 0xCE, 'ATTRIBUTE CE: YELLOW ON LIGHT RED (BLINK OFF)'
        STRING 10, 2, 0x06, 'ATTRIBUTE 06: BROWN (PALETTE 14)'
        STRING 12, 2, 0x07, 'LINE GRAPHICS C0-DF REPEAT COLUMN 8 INTO COLUMN 9:'
        RUN    13, 2, 0x0B, 0xCD, 40
        RUN    14, 2, 0x0A, 0xC4, 40
        RUN    15, 2, 0x0C, 0xDB, 8
        RUN    15, 10, 0x0D, 0xDC, 8
        RUN    15, 18, 0x09, 0xDF, 8
        STRING 16, 2, 0x0F, 'MNW MNW: LETTERS KEEP COLUMN 9 BACKGROUND'
        STRING 17, 2, 0x1F, 'MNW MNW'
        STRING 18, 2, 0x07, 'FOREGROUND 0-F:'
        STRING 19, 2, 0x07, 'BACKGROUND 0-F:'
        STRING 21, 2, 0x07, 'CURSOR BELOW: ROW 22 COLUMN 10'
        STRING 24, 72, 0x70, 'LAST ROW'
        db ENTRY_END

; load_font: the glyphs of font.inc into plane 2, each 8-row design doubled to 16 scan lines of a 32-byte slot.
; Plane 2 is reached as plain memory at A0000: write plane 2 only, sequential addressing, odd/even off.
load_font:
        push es
        mov dx, VGA_SEQ
        mov ax, 0x0402          ; SR2: plane 2 only
        out dx, ax
        mov ax, 0x0604          ; SR4: extended memory, odd/even off, chain-4 off
        out dx, ax
        mov dx, VGA_GC
        mov ax, 0x0204          ; GR4: read plane 2
        out dx, ax
        mov ax, 0x0005          ; GR5: write mode 0, odd/even off
        out dx, ax
        mov ax, 0x0406          ; GR6: A0000-AFFFF, text
        out dx, ax
        mov ax, 0xA000
        mov es, ax
        xor di, di              ; all 256 slots blank first
        xor ax, ax
        mov cx, 256 * 32 / 2
        rep stosw
        mov si, font_glyphs
        mov cx, FONT_GLYPH_COUNT
.glyph: xor ax, ax
        cs lodsb
        shl ax, 5               ; code * 32
        mov di, ax
        push cx
        mov cx, 8
.row:   cs lodsb
        stosb
        stosb
        loop .row
        pop cx
        loop .glyph
        mov dx, VGA_SEQ         ; back to text-mode plane access (the mode-3 values)
        mov ax, 0x0302
        out dx, ax
        mov ax, 0x0204
        out dx, ax
        mov dx, VGA_GC
        mov ax, 0x0004
        out dx, ax
        mov ax, 0x1005
        out dx, ax
        mov ax, 0x0E06
        out dx, ax
        pop es
        ret

; cell_address: AL = row, AH = column -> DI = offset in the text buffer.
cell_address:
        push ax
        push bx
        mov bl, ah
        xor ah, ah
        mov bh, COLUMNS
        mul bh                  ; AX = row * 80
        xor bh, bh
        add ax, bx
        shl ax, 1
        mov di, ax
        pop bx
        pop ax
        ret

draw_screen:
        push es
        mov ax, TEXT_SEGMENT
        mov es, ax
        xor di, di              ; clear: spaces, light grey on black
        mov ax, 0x0720
        mov cx, COLUMNS * ROWS
        rep stosw
        mov si, screen
.entry: cs lodsb
        cmp al, ENTRY_END
        je .done
        mov bl, al              ; entry type
        cs lodsb
        mov dl, al              ; row
        cs lodsb
        mov ah, al              ; column
        mov al, dl
        call cell_address
        cs lodsb
        mov ah, al              ; attribute
        cmp bl, ENTRY_RUN
        je .run
.char:  cs lodsb
        test al, al
        jz .entry
        stosw
        jmp .char
.run:   cs lodsb                ; character
        xor cx, cx
        mov cl, [cs:si]         ; count
        inc si
        rep stosw
        jmp .entry
.done:  ; the 16 colours: a full block in each foreground colour, a space on each background colour
        mov al, 18
        mov ah, 20
        call cell_address
        mov ax, 0x00DB
        mov cx, 16
.fg:    stosw
        inc ah
        loop .fg
        mov al, 19
        mov ah, 20
        call cell_address
        mov ax, 0x0020
        mov cx, 16
.bg:    stosw
        add ah, 0x10
        loop .bg
        pop es
        ret

main:
        println 'VGA text mode guest'
        mov si, vga_mode3_table
        call vga_mode
        mov al, 0x10
        mov ah, AC_MODE_NO_BLINK
        call vga_ac_write
        call vga_ega_palette
        call load_font
        call draw_screen
        mov dx, VGA_CRTC        ; cursor: scan lines 13-14 of the cell, at row 22 column 10
        mov ax, 0x0D0A
        out dx, ax
        mov ax, 0x0E0B
        out dx, ax
        mov bx, CURSOR_ROW * COLUMNS + CURSOR_COLUMN
        mov al, 0x0E
        mov ah, bh
        out dx, ax
        mov al, 0x0F
        mov ah, bl
        out dx, ax

        ; --- read back what the screen depends on ---
        print 'read back: misc '
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
        print ', GR6 '
        mov dx, VGA_GC
        mov al, 6
        out dx, al
        inc dx
        in al, dx
        call put_hex8
        mov cl, al
        print ', AC10 '
        mov dx, VGA_STATUS1
        in al, dx
        mov dx, VGA_AC
        mov al, 0x10 | AC_VIDEO_ON
        out dx, al
        mov dx, VGA_AC_READ
        in al, dx
        call put_hex8
        mov ch, al
        mov dx, VGA_STATUS1     ; leave the flip-flop at "index"
        in al, dx
        print ', cursor '
        mov al, 0x0E
        call vga_crtc_read
        mov ah, al
        mov al, 0x0F
        call vga_crtc_read
        call put_hex16
        call put_space
        cmp ax, CURSOR_ROW * COLUMNS + CURSOR_COLUMN
        jne .bad
        cmp bx, 0x0267
        jne .bad
        cmp cx, (AC_MODE_NO_BLINK << 8) | 0x0E
        jne .bad
        println 'ok'
        jmp finish
.bad:   println 'wrong'
        jmp finish

%include "font.inc"
%include "rom-end.inc"
