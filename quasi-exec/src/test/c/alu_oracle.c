/*
 * Integer ALU oracle for AluDifferentialTest: executes one x86 integer instruction natively on the host (x86-64 runs
 * the 8/16/32-bit forms with the same results and defined flags as an i686) and prints the results and EFLAGS.
 *
 * stdin, one case per line:  OP SIZE A B C FLAGS     (numbers in hex; SIZE 8, 16 or 32)
 * stdout, one line per case: R1 R2 FLAGS            (hex)
 * A line "flush" writes out the answers so far (the caller sends one after each batch).
 *   OP: add adc sub sbb and or xor cmp test inc dec neg   R1 = result
 *       shl shr sar rol ror rcl rcr (count C)             R1 = result
 *       shld shrd (source B, count C)                     R1 = result
 *       mul imul1 (EAX = A, source B)                     R1 = low half, R2 = high half
 *       imul2 (A *= B)                                    R1 = result
 *       bsf bsr bt bts btr btc (dest A, source/offset B)  R1 = result
 *       xadd (dest A, source B)                           R1 = dest, R2 = source
 *       cmpxchg (EAX = C, dest A, source B)               R1 = dest, R2 = EAX
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

typedef uint64_t u64;

#define SZ8 "b"
#define SZ16 "w"
#define SZ32 "l"

#define BINARY(NAME, INSN)                                                                                         \
    static u64 NAME##8(u64 a, u64 b, u64 *f) {                                                                     \
        u64 fl = *f;                                                                                               \
        __asm__ volatile("push %[fl]\n\tpopf\n\t" INSN "b %b[b], %b[a]\n\tpushf\n\tpop %[fl]"                      \
                         : [a] "+r"(a), [fl] "+r"(fl) : [b] "r"(b) : "cc");                                        \
        *f = fl;                                                                                                   \
        return a;                                                                                                  \
    }                                                                                                              \
    static u64 NAME##16(u64 a, u64 b, u64 *f) {                                                                    \
        u64 fl = *f;                                                                                               \
        __asm__ volatile("push %[fl]\n\tpopf\n\t" INSN "w %w[b], %w[a]\n\tpushf\n\tpop %[fl]"                      \
                         : [a] "+r"(a), [fl] "+r"(fl) : [b] "r"(b) : "cc");                                        \
        *f = fl;                                                                                                   \
        return a;                                                                                                  \
    }                                                                                                              \
    static u64 NAME##32(u64 a, u64 b, u64 *f) {                                                                    \
        u64 fl = *f;                                                                                               \
        __asm__ volatile("push %[fl]\n\tpopf\n\t" INSN "l %k[b], %k[a]\n\tpushf\n\tpop %[fl]"                      \
                         : [a] "+r"(a), [fl] "+r"(fl) : [b] "r"(b) : "cc");                                        \
        *f = fl;                                                                                                   \
        return a;                                                                                                  \
    }

#define UNARY(NAME, INSN)                                                                                          \
    static u64 NAME##8(u64 a, u64 b, u64 *f) {                                                                     \
        u64 fl = *f;                                                                                               \
        (void) b;                                                                                                  \
        __asm__ volatile("push %[fl]\n\tpopf\n\t" INSN "b %b[a]\n\tpushf\n\tpop %[fl]"                             \
                         : [a] "+r"(a), [fl] "+r"(fl) : : "cc");                                                   \
        *f = fl;                                                                                                   \
        return a;                                                                                                  \
    }                                                                                                              \
    static u64 NAME##16(u64 a, u64 b, u64 *f) {                                                                    \
        u64 fl = *f;                                                                                               \
        (void) b;                                                                                                  \
        __asm__ volatile("push %[fl]\n\tpopf\n\t" INSN "w %w[a]\n\tpushf\n\tpop %[fl]"                             \
                         : [a] "+r"(a), [fl] "+r"(fl) : : "cc");                                                   \
        *f = fl;                                                                                                   \
        return a;                                                                                                  \
    }                                                                                                              \
    static u64 NAME##32(u64 a, u64 b, u64 *f) {                                                                    \
        u64 fl = *f;                                                                                               \
        (void) b;                                                                                                  \
        __asm__ volatile("push %[fl]\n\tpopf\n\t" INSN "l %k[a]\n\tpushf\n\tpop %[fl]"                             \
                         : [a] "+r"(a), [fl] "+r"(fl) : : "cc");                                                   \
        *f = fl;                                                                                                   \
        return a;                                                                                                  \
    }

#define SHIFT(NAME, INSN)                                                                                          \
    static u64 NAME##8(u64 a, u64 c, u64 *f) {                                                                     \
        u64 fl = *f;                                                                                               \
        __asm__ volatile("push %[fl]\n\tpopf\n\t" INSN "b %%cl, %b[a]\n\tpushf\n\tpop %[fl]"                       \
                         : [a] "+r"(a), [fl] "+r"(fl) : "c"(c) : "cc");                                            \
        *f = fl;                                                                                                   \
        return a;                                                                                                  \
    }                                                                                                              \
    static u64 NAME##16(u64 a, u64 c, u64 *f) {                                                                    \
        u64 fl = *f;                                                                                               \
        __asm__ volatile("push %[fl]\n\tpopf\n\t" INSN "w %%cl, %w[a]\n\tpushf\n\tpop %[fl]"                       \
                         : [a] "+r"(a), [fl] "+r"(fl) : "c"(c) : "cc");                                            \
        *f = fl;                                                                                                   \
        return a;                                                                                                  \
    }                                                                                                              \
    static u64 NAME##32(u64 a, u64 c, u64 *f) {                                                                    \
        u64 fl = *f;                                                                                               \
        __asm__ volatile("push %[fl]\n\tpopf\n\t" INSN "l %%cl, %k[a]\n\tpushf\n\tpop %[fl]"                       \
                         : [a] "+r"(a), [fl] "+r"(fl) : "c"(c) : "cc");                                            \
        *f = fl;                                                                                                   \
        return a;                                                                                                  \
    }

BINARY(add, "add")
BINARY(adc, "adc")
BINARY(sub, "sub")
BINARY(sbb, "sbb")
BINARY(and, "and")
BINARY(or, "or")
BINARY(xor, "xor")
BINARY(cmp, "cmp")
BINARY(test, "test")
UNARY(inc, "inc")
UNARY(dec, "dec")
UNARY(neg, "neg")
SHIFT(shl, "shl")
SHIFT(shr, "shr")
SHIFT(sar, "sar")
SHIFT(rol, "rol")
SHIFT(ror, "ror")
SHIFT(rcl, "rcl")
SHIFT(rcr, "rcr")

static u64 flags_in(u64 f) {
    /* Only the arithmetic flags are taken from the case; bit 1 must be set, TF/IF/DF stay host-safe. */
    return (f & 0x8D5) | 0x202;
}

static int run(const char *op, int size, u64 a, u64 b, u64 c, u64 *r1, u64 *r2, u64 *fl) {
    u64 f = flags_in(*fl);
    *r2 = 0;
#define PICK(NAME, X, Y)                                                                                           \
    if (!strcmp(op, #NAME)) {                                                                                      \
        *r1 = size == 8 ? NAME##8(X, Y, &f) : size == 16 ? NAME##16(X, Y, &f) : NAME##32(X, Y, &f);                \
        *fl = f;                                                                                                   \
        return 1;                                                                                                  \
    }
    PICK(add, a, b) PICK(adc, a, b) PICK(sub, a, b) PICK(sbb, a, b) PICK(and, a, b) PICK(or, a, b)
    PICK(xor, a, b) PICK(cmp, a, b) PICK(test, a, b) PICK(inc, a, b) PICK(dec, a, b) PICK(neg, a, b)
    PICK(shl, a, c) PICK(shr, a, c) PICK(sar, a, c) PICK(rol, a, c) PICK(ror, a, c) PICK(rcl, a, c)
    PICK(rcr, a, c)
#undef PICK
    if (!strcmp(op, "shld") || !strcmp(op, "shrd")) {
        int left = op[2] == 'l';
        if (size == 16) {
            if (left) __asm__ volatile("push %[f]\n\tpopf\n\tshldw %%cl, %w[b], %w[a]\n\tpushf\n\tpop %[f]" : [a] "+r"(a), [f] "+r"(f) : [b] "r"(b), "c"(c) : "cc");
            else __asm__ volatile("push %[f]\n\tpopf\n\tshrdw %%cl, %w[b], %w[a]\n\tpushf\n\tpop %[f]" : [a] "+r"(a), [f] "+r"(f) : [b] "r"(b), "c"(c) : "cc");
        } else {
            if (left) __asm__ volatile("push %[f]\n\tpopf\n\tshldl %%cl, %k[b], %k[a]\n\tpushf\n\tpop %[f]" : [a] "+r"(a), [f] "+r"(f) : [b] "r"(b), "c"(c) : "cc");
            else __asm__ volatile("push %[f]\n\tpopf\n\tshrdl %%cl, %k[b], %k[a]\n\tpushf\n\tpop %[f]" : [a] "+r"(a), [f] "+r"(f) : [b] "r"(b), "c"(c) : "cc");
        }
        *r1 = a;
        *fl = f;
        return 1;
    }
    if (!strcmp(op, "mul") || !strcmp(op, "imul1")) {
        u64 lo = a, hi = 0;
        int s = op[0] == 'i';
        if (size == 8) {
            if (s) __asm__ volatile("push %[f]\n\tpopf\n\timulb %b[b]\n\tpushf\n\tpop %[f]" : "+a"(lo), [f] "+r"(f) : [b] "r"(b) : "cc");
            else __asm__ volatile("push %[f]\n\tpopf\n\tmulb %b[b]\n\tpushf\n\tpop %[f]" : "+a"(lo), [f] "+r"(f) : [b] "r"(b) : "cc");
            hi = (lo >> 8) & 0xFF;
        } else if (size == 16) {
            if (s) __asm__ volatile("push %[f]\n\tpopf\n\timulw %w[b]\n\tpushf\n\tpop %[f]" : "+a"(lo), "+d"(hi), [f] "+r"(f) : [b] "r"(b) : "cc");
            else __asm__ volatile("push %[f]\n\tpopf\n\tmulw %w[b]\n\tpushf\n\tpop %[f]" : "+a"(lo), "+d"(hi), [f] "+r"(f) : [b] "r"(b) : "cc");
        } else {
            if (s) __asm__ volatile("push %[f]\n\tpopf\n\timull %k[b]\n\tpushf\n\tpop %[f]" : "+a"(lo), "+d"(hi), [f] "+r"(f) : [b] "r"(b) : "cc");
            else __asm__ volatile("push %[f]\n\tpopf\n\tmull %k[b]\n\tpushf\n\tpop %[f]" : "+a"(lo), "+d"(hi), [f] "+r"(f) : [b] "r"(b) : "cc");
        }
        *r1 = lo;
        *r2 = hi;
        *fl = f;
        return 1;
    }
    if (!strcmp(op, "imul2")) {
        if (size == 16) __asm__ volatile("push %[f]\n\tpopf\n\timulw %w[b], %w[a]\n\tpushf\n\tpop %[f]" : [a] "+r"(a), [f] "+r"(f) : [b] "r"(b) : "cc");
        else __asm__ volatile("push %[f]\n\tpopf\n\timull %k[b], %k[a]\n\tpushf\n\tpop %[f]" : [a] "+r"(a), [f] "+r"(f) : [b] "r"(b) : "cc");
        *r1 = a;
        *fl = f;
        return 1;
    }
#define BITOP(NAME)                                                                                                \
    if (!strcmp(op, #NAME)) {                                                                                      \
        if (size == 16) __asm__ volatile("push %[f]\n\tpopf\n\t" #NAME "w %w[b], %w[a]\n\tpushf\n\tpop %[f]" : [a] "+r"(a), [f] "+r"(f) : [b] "r"(b) : "cc"); \
        else __asm__ volatile("push %[f]\n\tpopf\n\t" #NAME "l %k[b], %k[a]\n\tpushf\n\tpop %[f]" : [a] "+r"(a), [f] "+r"(f) : [b] "r"(b) : "cc"); \
        *r1 = a;                                                                                                   \
        *fl = f;                                                                                                   \
        return 1;                                                                                                  \
    }
    BITOP(bt) BITOP(bts) BITOP(btr) BITOP(btc)
#undef BITOP
    if (!strcmp(op, "bsf") || !strcmp(op, "bsr")) {
        /* dest = a (kept when the source is zero), source = b */
        if (op[2] == 'f') {
            if (size == 16) __asm__ volatile("push %[f]\n\tpopf\n\tbsfw %w[b], %w[a]\n\tpushf\n\tpop %[f]" : [a] "+r"(a), [f] "+r"(f) : [b] "r"(b) : "cc");
            else __asm__ volatile("push %[f]\n\tpopf\n\tbsfl %k[b], %k[a]\n\tpushf\n\tpop %[f]" : [a] "+r"(a), [f] "+r"(f) : [b] "r"(b) : "cc");
        } else {
            if (size == 16) __asm__ volatile("push %[f]\n\tpopf\n\tbsrw %w[b], %w[a]\n\tpushf\n\tpop %[f]" : [a] "+r"(a), [f] "+r"(f) : [b] "r"(b) : "cc");
            else __asm__ volatile("push %[f]\n\tpopf\n\tbsrl %k[b], %k[a]\n\tpushf\n\tpop %[f]" : [a] "+r"(a), [f] "+r"(f) : [b] "r"(b) : "cc");
        }
        *r1 = a;
        *fl = f;
        return 1;
    }
    if (!strcmp(op, "xadd")) {
        if (size == 8) __asm__ volatile("push %[f]\n\tpopf\n\txaddb %b[b], %b[a]\n\tpushf\n\tpop %[f]" : [a] "+r"(a), [b] "+r"(b), [f] "+r"(f) : : "cc");
        else if (size == 16) __asm__ volatile("push %[f]\n\tpopf\n\txaddw %w[b], %w[a]\n\tpushf\n\tpop %[f]" : [a] "+r"(a), [b] "+r"(b), [f] "+r"(f) : : "cc");
        else __asm__ volatile("push %[f]\n\tpopf\n\txaddl %k[b], %k[a]\n\tpushf\n\tpop %[f]" : [a] "+r"(a), [b] "+r"(b), [f] "+r"(f) : : "cc");
        *r1 = a;
        *r2 = b;
        *fl = f;
        return 1;
    }
    if (!strcmp(op, "cmpxchg")) {
        u64 acc = c;
        if (size == 8) __asm__ volatile("push %[f]\n\tpopf\n\tcmpxchgb %b[b], %b[a]\n\tpushf\n\tpop %[f]" : [a] "+r"(a), "+a"(acc), [f] "+r"(f) : [b] "r"(b) : "cc");
        else if (size == 16) __asm__ volatile("push %[f]\n\tpopf\n\tcmpxchgw %w[b], %w[a]\n\tpushf\n\tpop %[f]" : [a] "+r"(a), "+a"(acc), [f] "+r"(f) : [b] "r"(b) : "cc");
        else __asm__ volatile("push %[f]\n\tpopf\n\tcmpxchgl %k[b], %k[a]\n\tpushf\n\tpop %[f]" : [a] "+r"(a), "+a"(acc), [f] "+r"(f) : [b] "r"(b) : "cc");
        *r1 = a;
        *r2 = acc;
        *fl = f;
        return 1;
    }
    return 0;
}

int main(void) {
    char op[16];
    int size;
    unsigned long long a, b, c, f;
    setvbuf(stdout, NULL, _IOFBF, 1 << 16);
    while (scanf("%15s", op) == 1) {
        if (!strcmp(op, "flush")) {
            fflush(stdout);
            continue;
        }
        if (scanf("%d %llx %llx %llx %llx", &size, &a, &b, &c, &f) != 5) {
            fprintf(stderr, "malformed case after %s\n", op);
            return 2;
        }
        u64 r1, r2, fl = f;
        u64 mask = size == 8 ? 0xFF : size == 16 ? 0xFFFF : 0xFFFFFFFFULL;
        if (!run(op, size, a & mask, b & mask, c, &r1, &r2, &fl)) {
            fprintf(stderr, "unknown op %s\n", op);
            return 2;
        }
        printf("%llx %llx %llx\n", (unsigned long long) (r1 & 0xFFFFFFFFULL), (unsigned long long) (r2 & 0xFFFFFFFFULL),
               (unsigned long long) (fl & 0x8D5));
    }
    return 0;
}
