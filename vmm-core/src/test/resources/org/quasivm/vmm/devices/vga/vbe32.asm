; A boot sector that sets a Bochs VBE mode through the DISPI ports (640x480, 32 bits per pixel, banked) and draws
; through the 64 KiB window at A000h, for comparing renderers with QEMU: pixel p (row-major) = p * 010307h
; (the top byte ignored), then "DONE" at 0:0600h, and halts.
; Build: nasm -f bin -o vbe32.img vbe32.asm

bits 16
org 0x7C00

%macro dispi 2
    mov dx, 0x1CE
    mov ax, %1
    out dx, ax
    inc dx
    mov ax, %2
    out dx, ax
%endmacro

start:
    cli
    xor ax, ax
    mov ds, ax
    mov ss, ax
    mov sp, 0x7C00
    sti

    dispi 4, 0                  ; ENABLE: off while setting up
    dispi 3, 32                 ; BPP
    dispi 1, 640                ; XRES
    dispi 2, 480                ; YRES
    dispi 5, 0                  ; BANK
    dispi 4, 1                  ; ENABLE: on, banked, clear memory

    mov ax, 0xA000
    mov es, ax
    xor eax, eax                ; colour of the next pixel
    xor esi, esi                ; pixels drawn
    xor bx, bx                  ; bank
.bank:
    push eax
    dispi 5, bx
    pop eax
    xor di, di
    mov cx, 16384               ; 64 KiB of 4-byte pixels
.pixel:
    stosd
    add eax, 0x010307
    inc esi
    cmp esi, 640 * 480
    jae .done
    loop .pixel
    inc bx
    jmp .bank

.done:
    mov dword [0x0600], 'DONE'
.halt:
    cli
    hlt
    jmp .halt

    times 510 - ($ - $$) db 0
    dw 0xAA55
