; A boot sector that draws through the VGA BIOS and the VGA's registers, for comparing renderers with QEMU:
; mode 13h by INT 10h, DAC entry i = (i & 63, i >> 2, (i ^ 2Ah) & 63), pixel (x, y) = (x + 3y) & FFh at A000:(320y + x),
; then "DONE" at 0:0600h so the test knows the picture is complete, and halts.
; Build: nasm -f bin -o mode13.img mode13.asm

bits 16
org 0x7C00

start:
    cli
    xor ax, ax
    mov ds, ax
    mov ss, ax
    mov sp, 0x7C00
    sti

    mov ax, 0x0013              ; set mode 13h
    int 0x10

    mov dx, 0x3C8               ; DAC write index 0, then 256 triples at 3C9h
    xor al, al
    out dx, al
    inc dx
    xor bx, bx
.palette:
    mov al, bl
    and al, 63
    out dx, al
    mov al, bl
    shr al, 2
    out dx, al
    mov al, bl
    xor al, 0x2A
    and al, 63
    out dx, al
    inc bl
    jnz .palette

    mov ax, 0xA000
    mov es, ax
    xor di, di
    xor bx, bx                  ; y
.row:
    mov ax, bx                  ; al = 3y + x for x = 0
    mov cx, 3
    mul cx
    mov cx, 320
.pixel:
    stosb
    inc al
    loop .pixel
    inc bx
    cmp bx, 200
    jb .row

    mov dword [0x0600], 'DONE'
.halt:
    cli
    hlt
    jmp .halt

    times 510 - ($ - $$) db 0
    dw 0xAA55
