; Prints '0'..'9' one OUT each, with some register and stack traffic between, then halts.
bits 16
org 0x1000
start:
    xor ax, ax
    mov ds, ax
    mov ss, ax
    mov sp, 0x8000
    mov bx, 0x1234
    mov cx, 10
    mov al, '0'
next:
    out 0xE9, al
    push ax
    add bx, cx
    mov [0x3000], bx
    pop ax
    inc al
    loop next
    mov ax, bx
    out 0xE9, al
    hlt
