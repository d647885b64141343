; Flat 32-bit protected mode with an empty IDT (the test sets IDTR.limit = 0): UD2 raises #UD, which cannot be
; delivered, nor the #GP and #DF that follow, so the CPU shuts down. (Real mode would not do: KVM's instruction
; emulator, which runs real-mode code on hosts without unrestricted guest support, ignores the IVT limit.)
bits 32
org 0x1000
start:
    ud2
    hlt
