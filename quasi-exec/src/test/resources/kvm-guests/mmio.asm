; Accesses to the A0000h hole: a byte write, a word read echoed to port E9h, a dword write across a page boundary.
bits 16
org 0x1000
start:
    mov ax, 0xA000
    mov es, ax
    mov byte [es:0x10], 0x5A
    mov ax, [es:0x20]
    out 0xE9, al
    mov al, ah
    out 0xE9, al
    mov dword [es:0xFFE], 0x11223344
    hlt
