; Writes to the read-only region at F0000h, then echoes what it reads there.
bits 16
org 0x1000
start:
    mov ax, 0xF000
    mov es, ax
    mov byte [es:0], 0x77
    mov al, [es:0]
    out 0xE9, al
    hlt
