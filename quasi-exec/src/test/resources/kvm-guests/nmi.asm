; Halts with interrupts disabled: only an NMI ('N') wakes it, after which it halts again.
bits 16
org 0x1000
start:
    cli
    xor ax, ax
    mov ds, ax
    mov ss, ax
    mov sp, 0x8000
    mov word [2*4], nmi_handler
    mov word [2*4+2], 0
    mov al, 'S'
    out 0xE9, al
idle:
    hlt
    jmp idle
nmi_handler:
    mov al, 'N'
    out 0xE9, al
    iret
