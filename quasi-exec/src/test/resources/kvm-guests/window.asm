; An interrupt pending from the start must wait for STI and the instruction after it: prints "ABIC".
bits 16
org 0x1000
start:
    cli
    xor ax, ax
    mov ds, ax
    mov ss, ax
    mov sp, 0x8000
    mov word [0x20*4], irq_handler
    mov word [0x20*4+2], 0
    mov al, 'A'
    out 0xE9, al
    mov al, 'B'
    out 0xE9, al
    sti
    nop
    mov al, 'C'
    out 0xE9, al
    hlt
irq_handler:
    mov al, 'I'
    out 0xE9, al
    iret
