; A 64 KiB firmware image for executor hand-off tests: starts at the reset vector like any PC, so no executor-specific
; start state is needed. Prints '0'..'9' to port E9h with stack, memory and flag traffic between the digits, then
; the low and high bytes of a checksum, and halts. Only instructions every executor (and KVM's real-mode emulator)
; handles: no FPU, no SSE.
bits 16
org 0
start:
    cli
    xor ax, ax
    mov ds, ax
    mov ss, ax
    mov sp, 0x7000
    mov bx, 0x1234
    mov cx, 10
    mov al, '0'
next:
    out 0xE9, al
    push ax
    add bx, cx
    mov [0x3000], bx
    rol bx, 3
    xor bx, [0x3000]
    adc bx, 0x55
    pop ax
    inc al
    loop next
    mov ax, bx
    out 0xE9, al
    mov al, ah
    out 0xE9, al
    mov dx, 0x2F8
    mov si, 0x0042
    mov di, 0x7777
    hlt
    jmp start

times 0xFFF0 - ($ - $$) db 0xF4
reset:
    jmp 0xF000:start
times 0x10000 - ($ - $$) db 0xF4
