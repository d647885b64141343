; Vector 20h prints 'I', NMI prints 'N'. Prints 'S', enables interrupts and idles in HLT.
bits 16
org 0x1000
start:
    xor ax, ax
    mov ds, ax
    mov ss, ax
    mov sp, 0x8000
    mov word [0x20*4], irq_handler
    mov word [0x20*4+2], 0
    mov word [2*4], nmi_handler
    mov word [2*4+2], 0
    mov al, 'S'
    out 0xE9, al
    sti
idle:
    hlt
    jmp idle
irq_handler:
    mov al, 'I'
    out 0xE9, al
    iret
nmi_handler:
    mov al, 'N'
    out 0xE9, al
    iret
