/*
 * x87oracle: runs x87 instructions on the host's own x87 for QuasiVM's differential test (X87OracleTest).
 *
 * Protocol on stdin/stdout, little-endian, in batches:
 *   request header:  u32 magic 'X87Q', u32 kind (0 compact, 1 full), u32 count; then count records
 *   reply:           count records of the kind's output size, flushed after the batch
 * Each record names one instruction (opcode D8..DF, or 0F for 0F AE /r FXSAVE/FXRSTOR, plus ModRM and an optional
 * 66h prefix). Register forms run as given. Memory forms have their ModRM rewritten to [rsi], which points at the
 * record's memory operand. The instruction runs between FRSTOR of the record's state and FNSAVE of the result, in a
 * stub generated once per encoding: FNSAVE does not wait, so unmasked exceptions are captured, not delivered.
 *
 * compact input  (48 bytes): u8 opcode, u8 modrm, u8 prefix66, u8 eflags (bit0 CF, bit2 PF, bit6 ZF),
 *                            u16 fcw, u16 fsw, u16 ftw (full), u16 0, ST0 (10 bytes), ST1 (10), memory (16)
 * compact output (48 bytes): u16 fcw, u16 fsw, u16 ftw, u16 ax, u8 eflags, 3 x u8 0, ST0 (10), ST1 (10), memory (16)
 * full input     (628 bytes): u8 opcode, u8 modrm, u8 prefix66, u8 eflags, u32 0, FSAVE image (108), memory (512)
 * full output    (628 bytes): u16 ax, u8 eflags, 5 x u8 0, FSAVE image (108), memory (512)
 *
 * Build: gcc -O2 -o x87oracle x87oracle.c   (x86-64 Linux host)
 */
#define _GNU_SOURCE /* RUSAGE_THREAD */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>

#define MAGIC 0x5137384Fu /* "O87Q" read little-endian as 'X87Q'-ish tag */
#define COMPACT_SIZE 48
#define FULL_SIZE 628
#define FLAG_MASK 0x45u /* CF, PF, ZF */

typedef void (*stub_fn)(void *image, void *memory, uint64_t *flags, uint32_t *ax);

static uint8_t *code_area;
static size_t code_used;
static const size_t code_size = 1u << 20;
static stub_fn stubs[2][9][256];

static void die(const char *message) {
    fprintf(stderr, "x87oracle: %s\n", message);
    exit(2);
}

static stub_fn stub_for(int prefix66, int opcode, int modrm) {
    int slot = opcode == 0x0F ? 8 : opcode - 0xD8;
    if (slot < 0 || slot > 8 || modrm < 0 || modrm > 255) die("bad encoding");
    stub_fn *cached = &stubs[prefix66 ? 1 : 0][slot][modrm];
    if (*cached) return *cached;
    if (code_used + 64 > code_size) die("code area full");
    uint8_t *p = code_area + code_used, *start = p;
    static const uint8_t prologue[] = {
        0x49, 0x89, 0xd0,       /* mov r8, rdx */
        0x49, 0x89, 0xc9,       /* mov r9, rcx */
        0x49, 0x8b, 0x00,       /* mov rax, [r8] */
        0x50,                   /* push rax */
        0x9d,                   /* popfq */
        0xdd, 0x27,             /* frstor [rdi] */
        0xb8, 0, 0, 0, 0,       /* mov eax, 0 (keeps the flags) */
    };
    memcpy(p, prologue, sizeof prologue);
    p += sizeof prologue;
    if (prefix66) *p++ = 0x66;
    int rm = (modrm & 0xC0) == 0xC0 ? modrm : ((modrm & 0x38) | 0x06); /* memory forms: [rsi] */
    if (opcode == 0x0F) {
        *p++ = 0x0F;
        *p++ = 0xAE;
    } else {
        *p++ = (uint8_t) opcode;
    }
    *p++ = (uint8_t) rm;
    static const uint8_t epilogue[] = {
        0x41, 0x89, 0x01,       /* mov [r9], eax */
        0x9c,                   /* pushfq */
        0x58,                   /* pop rax */
        0x49, 0x89, 0x00,       /* mov [r8], rax */
        0xdd, 0x37,             /* fnsave [rdi] */
        0xc3,                   /* ret */
    };
    memcpy(p, epilogue, sizeof epilogue);
    p += sizeof epilogue;
    code_used += (size_t) (p - start + 15) & ~(size_t) 15;
    *cached = (stub_fn) (void *) start;
    return *cached;
}

static uint64_t host_flags(uint8_t in) {
    uint64_t flags = 0x202; /* IF as the process has it, reserved bit 1 */
    return flags | (in & FLAG_MASK);
}

static void read_exact(void *buffer, size_t length) {
    if (fread(buffer, 1, length, stdin) != length) die("short read");
}

static uint8_t image[108] __attribute__((aligned(16)));
static uint8_t memory[512] __attribute__((aligned(64)));

static void run(const uint8_t *header, uint64_t *flags, uint32_t *ax) {
    stub_fn f = stub_for(header[2], header[0], header[1]);
    *flags = host_flags(header[3]);
    *ax = 0;
    f(image, memory, flags, ax);
}

static void compact(const uint8_t *in, uint8_t *out) {
    memset(image, 0, sizeof image);
    memcpy(image + 0, in + 4, 2);
    memcpy(image + 4, in + 6, 2);
    memcpy(image + 8, in + 8, 2);
    memcpy(image + 28, in + 12, 10);
    memcpy(image + 38, in + 22, 10);
    memset(memory, 0, 64);
    memcpy(memory, in + 32, 16);
    uint64_t flags;
    uint32_t ax;
    run(in, &flags, &ax);
    memset(out, 0, COMPACT_SIZE);
    memcpy(out + 0, image + 0, 2);
    memcpy(out + 2, image + 4, 2);
    memcpy(out + 4, image + 8, 2);
    memcpy(out + 6, &ax, 2);
    out[8] = (uint8_t) (flags & FLAG_MASK);
    memcpy(out + 12, image + 28, 10);
    memcpy(out + 22, image + 38, 10);
    memcpy(out + 32, memory, 16);
}

/* Context switches of this thread so far: the kernel's XSAVE/XRSTOR keeps the x87 state but not the FCS/FDS
 * selectors (64-bit layout), nor on AMD the FIP/FDP/FOP pointers without a pending exception. */
static long context_switches(void) {
    struct rusage usage;
    getrusage(RUSAGE_THREAD, &usage);
    return usage.ru_nvcsw + usage.ru_nivcsw;
}

static void full(const uint8_t *in, uint8_t *out) {
    uint64_t flags;
    uint32_t ax;
    long before;
    do { /* full records compare the pointers, so a case that was switched out is run again */
        memcpy(image, in + 8, 108);
        memcpy(memory, in + 116, 512);
        before = context_switches();
        run(in, &flags, &ax);
    } while (context_switches() != before);
    /* FXRSTOR may have loaded MXCSR, which the C ABI expects callers to keep. */
    uint32_t default_mxcsr = 0x1F80;
    __asm__ volatile("ldmxcsr %0" : : "m"(default_mxcsr));
    memset(out, 0, 8);
    memcpy(out + 0, &ax, 2);
    out[2] = (uint8_t) (flags & FLAG_MASK);
    memcpy(out + 8, image, 108);
    memcpy(out + 116, memory, 512);
}

int main(void) {
    code_area = mmap(NULL, code_size, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (code_area == MAP_FAILED) die("cannot map executable memory");
    static uint8_t in[FULL_SIZE], out[FULL_SIZE];
    static char inbuf[1 << 16], outbuf[1 << 16];
    setvbuf(stdin, inbuf, _IOFBF, sizeof inbuf);
    setvbuf(stdout, outbuf, _IOFBF, sizeof outbuf);
    uint32_t header[3];
    while (fread(header, 1, sizeof header, stdin) == sizeof header) {
        if (header[0] != MAGIC) die("bad magic");
        int kind = (int) header[1];
        size_t size = kind == 0 ? COMPACT_SIZE : FULL_SIZE;
        if (kind != 0 && kind != 1) die("bad kind");
        for (uint32_t i = 0; i < header[2]; i++) {
            read_exact(in, size);
            if (kind == 0) compact(in, out); else full(in, out);
            if (fwrite(out, 1, size, stdout) != size) die("write failed");
        }
        fflush(stdout);
    }
    return 0;
}
