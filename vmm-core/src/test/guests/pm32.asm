; pm32.asm - 32-bit protected mode with paging: a CPU sanity guest (for comparing executors, e.g. KVM and software).
;
; From real mode: a flat GDT and an IDT for the 32 exception vectors are built in RAM, identity page tables (4 KiB
; pages for the first 4 MiB, 4 MiB PSE pages elsewhere), then CR0.PE, CR4.PSE, CR3, CR0.PG. In protected mode:
;   - the 4 MiB page at C0000000 aliases physical 400000 (also identity-mapped at 400000)
;   - the ROM's reset vector is visible at FFFFFFF0 through a 4 MiB page
;   - a 4 KiB page is remapped (PTE change + INVLPG) and reached through both addresses
;   - a write to an unmapped page faults (#PF: CR2, error code); the handler maps the page and the write restarts
;   - an integer checksum over 200000 xorshift rounds (shifts, rotates, IMUL, DIV, XOR, ADD)
;   - string instructions: REP STOSD/REPE SCASD, REP MOVSB from the ROM/REPE CMPSB, an overlapping backward
;     REP MOVSB (STD), REPNE SCASB
; It ends halted in protected mode with paging on.

%include "guest.inc"

ROM_BASE        equ ROM_SEGMENT << 4        ; where the ROM's offsets live in the linear address space
IDT_BASE        equ 0x8000
GDT_BASE        equ 0x8800
PAGE_DIRECTORY  equ 0x20000
PAGE_TABLE_0    equ 0x21000
BUFFER_FILL     equ 0x30000
BUFFER_COPY     equ 0x31000
BUFFER_MOVE     equ 0x32000
SEL_CODE32      equ 0x08
SEL_DATA32      equ 0x10
PDE_4M          equ 0x83       ; present, writable, page size 4 MiB
PTE_RW          equ 0x03       ; present, writable
CHECKSUM_ROUNDS equ 200000

absolute guest_vars
pf_count:       resd 1
pf_cr2:         resd 1
pf_error:       resd 1
section .text

align 8
gdt32:
        dq 0
        dq 0x00CF9B000000FFFF   ; 08: code, base 0, 4 GiB, 32-bit, accessed
        dq 0x00CF93000000FFFF   ; 10: data, base 0, 4 GiB, writable, accessed
gdt32_end:
gdt32_desc:
        dw gdt32_end - gdt32 - 1
        dd GDT_BASE
idt32_desc:
        dw 32 * 8 - 1
        dd IDT_BASE

; --- real mode: tables, then into protected mode ---------------------------------------------------------------
main:
        println 'pm32 guest'
        mov si, gdt32           ; GDT into RAM
        mov di, GDT_BASE
        mov cx, gdt32_end - gdt32
.gdt:   cs lodsb
        stosb
        loop .gdt

        mov di, IDT_BASE        ; 32 interrupt gates: the stubs, and the page-fault handler for vector 14
        mov ebx, ROM_BASE + pm_exception_stubs
        xor cx, cx
.idt:   mov eax, ebx
        cmp cx, 14
        jne .gate
        mov eax, ROM_BASE + pf_handler
.gate:  mov [di], ax
        mov word [di + 2], SEL_CODE32
        mov word [di + 4], 0x8E00          ; present, DPL 0, 32-bit interrupt gate
        shr eax, 16
        mov [di + 6], ax
        add di, 8
        add ebx, PM_STUB_SIZE
        inc cx
        cmp cx, 32
        jb .idt

        push es                 ; page directory and the first page table
        mov ax, PAGE_DIRECTORY >> 4
        mov es, ax
        xor di, di
        xor eax, eax
        mov cx, 2048            ; directory and table: 2 * 4 KiB
        rep stosd
        mov dword [es:0 * 4], PAGE_TABLE_0 | PTE_RW
        mov dword [es:1 * 4], 0x00400000 | PDE_4M
        mov dword [es:0x300 * 4], 0x00400000 | PDE_4M       ; C0000000 -> 400000
        mov dword [es:0x3FF * 4], 0xFFC00000 | PDE_4M       ; the top 4 MiB, with the ROM
        mov di, PAGE_TABLE_0 - PAGE_DIRECTORY
        mov eax, PTE_RW
        mov cx, 1024
.pte:   stosd
        add eax, 0x1000
        loop .pte
        pop es

        mov dword [pf_count], 0
        cli
        lgdt [cs:gdt32_desc]
        lidt [cs:idt32_desc]
        mov eax, cr0
        or al, 1
        mov cr0, eax
        jmp dword SEL_CODE32:ROM_BASE + pm_entry

; === protected mode ===============================================================================================
bits 32

; pm_print 'text' / pm_println 'text'
%macro pm_print 1+
        jmp %%after
%%text: db %1, 0
%%after:
        push esi
        mov esi, ROM_BASE + %%text
        call pm_puts
        pop esi
%endmacro

%macro pm_println 1+
        pm_print %1
        call pm_crlf
%endmacro

%macro pm_verdict_z 0
        jne %%bad
        pm_println 'ok'
        jmp %%done
%%bad:  pm_println 'wrong'
%%done:
%endmacro

pm_putc:
        push eax
        push ecx
        push edx
        mov ah, al
        mov dx, COM1 + 5
        mov ecx, 0x10000
.poll:  in al, dx
        test al, LSR_THRE
        jnz .ready
        loop .poll
.ready: mov al, ah
        mov dx, COM1
        out dx, al
        pop edx
        pop ecx
        pop eax
        ret

pm_puts:
        push eax
        push esi
.next:  lodsb
        test al, al
        jz .end
        call pm_putc
        jmp .next
.end:   pop esi
        pop eax
        ret

pm_crlf:
        push eax
        mov al, 13
        call pm_putc
        mov al, 10
        call pm_putc
        pop eax
        ret

; pm_hex32: EAX as eight hex digits.
pm_hex32:
        push eax
        push ecx
        push edx
        mov edx, eax
        mov ecx, 8
.digit: rol edx, 4
        mov al, dl
        and al, 0x0F
        add al, '0'
        cmp al, '9'
        jbe .out
        add al, 'A' - '9' - 1
.out:   call pm_putc
        loop .digit
        pop edx
        pop ecx
        pop eax
        ret

pm_exception_stubs:
%assign vec 0
%rep 32
        push dword vec
        jmp near pm_unexpected
%assign vec vec + 1
%endrep
PM_STUB_SIZE equ ($ - pm_exception_stubs) / 32

pm_unexpected:
        pop eax
        call pm_crlf
        pm_print 'UNEXPECTED EXCEPTION '
        call pm_hex32
        call pm_crlf
        jmp pm_finish

; #PF: records CR2 and the error code, maps the faulting 4 MiB region 1:1 with a PSE page, returns to restart the
; faulting instruction. A second fault means the mapping did not take: reported as unexpected.
pf_handler:
        push eax
        push ebx
        inc dword [pf_count]
        cmp dword [pf_count], 1
        jne .again
        mov eax, cr2
        mov [pf_cr2], eax
        mov ebx, [esp + 8]      ; the error code, above the two saved registers
        mov [pf_error], ebx
        mov ebx, eax
        shr ebx, 22             ; directory index
        and eax, 0xFFC00000
        or eax, PDE_4M
        mov [PAGE_DIRECTORY + ebx * 4], eax
        pop ebx
        pop eax
        add esp, 4              ; drop the error code
        iretd
.again: pop ebx
        pop eax
        push dword 14
        jmp pm_unexpected

pm_entry:
        mov ax, SEL_DATA32
        mov ds, ax
        mov es, ax
        mov fs, ax
        mov gs, ax
        mov ss, ax
        mov esp, STACK_TOP
        mov eax, cr4
        or eax, 0x10            ; PSE
        mov cr4, eax
        mov eax, PAGE_DIRECTORY
        mov cr3, eax
        mov eax, cr0
        or eax, 0x80000000      ; PG
        mov cr0, eax
        jmp .paged              ; the code is identity-mapped: fetching goes on at the same address
.paged:
        pm_print 'CR0.PE, CR0.PG and CR4.PSE set: '
        mov eax, cr0
        and eax, 0x80000001
        mov ebx, cr4
        and ebx, 0x10
        or eax, ebx
        cmp eax, 0x80000011
        pm_verdict_z

        ; --- 4 MiB pages ---
        pm_print '4 MiB page C0000000 aliases 00400000: '
        mov dword [0xC0001000], 0x12345678
        mov eax, [0x00401000]
        mov dword [0x00401004], 0x9ABCDEF0
        mov ebx, [0xC0001004]
        call pm_hex32
        mov al, ' '
        call pm_putc
        mov eax, ebx
        call pm_hex32
        mov al, ' '
        call pm_putc
        cmp dword [0x00401000], 0x12345678
        jne .alias_bad
        cmp ebx, 0x9ABCDEF0
.alias_bad:
        pm_verdict_z

        pm_print 'reset vector at FFFFFFF0 through a 4 MiB page: '
        movzx eax, byte [0xFFFFFFF0]
        call pm_hex32
        mov al, ' '
        call pm_putc
        mov al, [0xFFFFFFF0]
        cmp al, [ROM_BASE + reset_vector]
        pm_verdict_z

        ; --- a 4 KiB page remapped ---
        pm_print '4 KiB page 00300000 remapped to 00031000: '
        mov dword [PAGE_TABLE_0 + 0x300 * 4], 0x00031000 | PTE_RW
        invlpg [0x00300000]
        mov dword [0x00300010], 0xCAFEBABE
        mov eax, [0x00031010]
        call pm_hex32
        mov al, ' '
        call pm_putc
        mov dword [PAGE_TABLE_0 + 0x300 * 4], 0x00300000 | PTE_RW
        invlpg [0x00300000]
        cmp dword [0x00031010], 0xCAFEBABE
        pm_verdict_z

        ; --- a page fault, handled, and the write restarted ---
        mov dword [0x00800004], 0x0BADF00D      ; directory entry 2 is not present: #PF, then the retry
        pm_print 'page fault: CR2 '
        mov eax, [pf_cr2]
        call pm_hex32
        pm_print ', error code '
        mov eax, [pf_error]
        call pm_hex32
        pm_print ' (write, not present), faults '
        mov eax, [pf_count]
        call pm_hex32
        pm_print ', retried write '
        mov eax, [0x00800004]
        call pm_hex32
        mov al, ' '
        call pm_putc
        cmp dword [pf_cr2], 0x00800004
        jne .pf_bad
        cmp dword [pf_error], 0x00000002
        jne .pf_bad
        cmp dword [pf_count], 1
        jne .pf_bad
        cmp dword [0x00800004], 0x0BADF00D
.pf_bad:
        pm_verdict_z

        ; --- integer checksum ---
        mov eax, 0x12345678     ; x
        xor ebx, ebx            ; s
        mov esi, 1              ; i
.round: mov edx, eax            ; xorshift32
        shl edx, 13
        xor eax, edx
        mov edx, eax
        shr edx, 17
        xor eax, edx
        mov edx, eax
        shl edx, 5
        xor eax, edx
        mov edi, eax
        imul edi, edi, 0x9E3779B1       ; t = x * golden ratio (low 32 bits)
        rol ebx, 5
        add ebx, edi
        xor ebx, esi
        mov ecx, esi
        and ecx, 31
        shr edi, cl
        add ebx, edi            ; s += t >>> (i & 31)
        test esi, 0x3FF
        jnz .no_div
        push eax
        mov eax, ebx
        xor edx, edx
        mov ecx, esi
        or ecx, 1
        div ecx
        add ebx, eax            ; s += s / (i | 1), unsigned
        pop eax
.no_div:
        inc esi
        cmp esi, CHECKSUM_ROUNDS
        jbe .round
        pm_print 'integer checksum over 200000 xorshift rounds: '
        mov eax, ebx
        call pm_hex32
        call pm_crlf

        ; --- string instructions ---
        cld
        pm_print 'rep stosd 1024 dwords, repe scasd over them, ECX left: '
        mov edi, BUFFER_FILL
        mov eax, 0xA5A5A5A5
        mov ecx, 1024
        rep stosd
        mov edi, BUFFER_FILL
        mov ecx, 1024
        repe scasd
        mov eax, ecx
        call pm_hex32
        mov al, ' '
        call pm_putc
        test ecx, ecx
        pm_verdict_z

        pm_print 'rep movsb 4096 ROM bytes, one changed at 04D2, repe cmpsb stops after it, ECX left: '
        mov esi, ROM_BASE
        mov edi, BUFFER_COPY
        mov ecx, 4096
        rep movsb
        xor byte [BUFFER_COPY + 0x4D2], 0xFF
        mov esi, ROM_BASE
        mov edi, BUFFER_COPY
        mov ecx, 4096
        repe cmpsb
        mov eax, ecx
        call pm_hex32
        mov al, ' '
        call pm_putc
        cmp ecx, 4096 - 0x4D2 - 1
        pm_verdict_z

        pm_print 'std rep movsb, 200 bytes moved up by 16 over themselves: '
        mov edi, BUFFER_MOVE
        xor eax, eax
        mov ecx, 256
.ramp:  stosb
        inc al
        loop .ramp
        std
        mov esi, BUFFER_MOVE + 199
        mov edi, BUFFER_MOVE + 16 + 199
        mov ecx, 200
        rep movsb
        cld
        xor ecx, ecx            ; check byte 16 + k == k
        xor edx, edx            ; mismatches
.check: cmp [BUFFER_MOVE + 16 + ecx], cl
        je .same
        inc edx
.same:  inc ecx
        cmp ecx, 200
        jb .check
        mov eax, edx
        call pm_hex32
        pm_print ' mismatches '
        test edx, edx
        pm_verdict_z

        pm_print 'repne scasb finds 77 at offset: '
        mov edi, BUFFER_MOVE
        mov al, 0x77
        mov ecx, 256
        repne scasb
        lea eax, [edi - BUFFER_MOVE - 1]
        call pm_hex32
        mov al, ' '
        call pm_putc
        lea eax, [edi - BUFFER_MOVE - 1]
        cmp eax, 16 + 0x77
        pm_verdict_z

        jmp pm_finish

; pm_finish: DONE, then the same defined end as finish, in protected mode with paging on.
pm_finish:
        cli
        mov esp, STACK_TOP
        pm_println 'DONE'
        mov dx, COM1 + 5
        mov ecx, 0x10000
.drain: in al, dx
        and al, LSR_TEMT | LSR_THRE
        cmp al, LSR_TEMT | LSR_THRE
        je .drained
        loop .drain
.drained:
        mov al, 0xFF
        out PIC1_DATA, al
        out PIC2_DATA, al
        xor eax, eax
        xor ebx, ebx
        xor ecx, ecx
        xor edx, edx
        xor esi, esi
        xor edi, edi
        xor ebp, ebp
        cld
.halt:  cli
        hlt
        jmp .halt

bits 16
%include "rom-end.inc"
