; String output through one REP OUTSB, then HLT. Loaded at 0000:1000, DS = 0.
bits 16
org 0x1000
start:
    mov si, msg
    mov cx, msg_end - msg
    mov dx, 0xE9
    cld
    rep outsb
    hlt
msg: db "hello, kvm"
msg_end:
