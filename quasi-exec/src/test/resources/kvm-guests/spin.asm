; Prints 'S' and spins without exits until the monitor interrupts it.
bits 16
org 0x1000
start:
    mov al, 'S'
    out 0xE9, al
spin:
    jmp spin
