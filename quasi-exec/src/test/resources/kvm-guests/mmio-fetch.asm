; Jumps into the A0000h hole: there is no memory to fetch instructions from.
bits 16
org 0x1000
start:
    jmp 0xA000:0x0000
