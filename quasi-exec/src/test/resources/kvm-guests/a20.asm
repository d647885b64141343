; Writes 42h at FFFF:0010 (physical 100000h, or 0 with A20 off), reads 0:0 back to port E9h.
bits 16
org 0x1000
start:
    mov ax, 0xFFFF
    mov es, ax
    mov byte [es:0x10], 0x42
    xor ax, ax
    mov ds, ax
    mov al, [0]
    out 0xE9, al
    hlt
