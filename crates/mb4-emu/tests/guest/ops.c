/* Exercises integer code the compiler emits (ALU, shifts, multiplies,
   divides, 64-bit arithmetic, bit operations, switch tables, loads/stores of
   every width) and prints the results; the output must match QEMU's. */
#include <stdint.h>
void sh_puts(const char *s);
void sh_puthex(uint32_t v);
void sh_putdec(int32_t v);

static volatile uint32_t seed = 0x12345678;
static uint32_t rnd(void) {
    uint32_t x = seed;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    seed = x;
    return x;
}

static void show(const char *name, uint32_t v) {
    sh_puts(name);
    sh_puts(" = ");
    sh_puthex(v);
    sh_puts("\n");
}

__attribute__((noinline)) static int classify(int x) {
    switch (x) {
    case 0: return 11;
    case 1: return 23;
    case 2: return 37;
    case 3: return 41;
    case 4: return 53;
    case 5: return 67;
    case 6: return 71;
    case 7: return 89;
    default: return -1;
    }
}

__attribute__((noinline)) static uint32_t fib(uint32_t n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }

struct bits {
    unsigned a : 3;
    signed b : 7;
    unsigned c : 13;
    unsigned d : 9;
};

int main(void) {
    uint32_t acc = 0;
    for (int i = 0; i < 200; i++) {
        uint32_t a = rnd(), b = rnd() | 1;
        int32_t sa = (int32_t)a, sb = (int32_t)b;
        acc += a / b + (uint32_t)(sa / sb) + a % b + (uint32_t)(sa % sb);
        acc ^= (a << (b & 31)) + (a >> (b & 31)) + (uint32_t)(sa >> (b & 31));
        acc += (uint32_t)(((uint64_t)a * b) >> 32) + (uint32_t)(((int64_t)sa * sb) >> 32);
        acc += __builtin_clz(a | 1) + __builtin_ctz(b) + __builtin_popcount(a);
        acc += __builtin_bswap32(a) ^ (uint32_t)__builtin_bswap16((uint16_t)b);
        acc = (acc << 7) | (acc >> 25);
        acc += (a > b) ? a - b : b - a;
        acc += (sa < sb) ? 1 : 3;
        acc += (uint32_t)classify((int)(a & 15));
    }
    show("alu", acc);

    uint64_t q = 0;
    for (int i = 0; i < 50; i++) {
        uint64_t x = ((uint64_t)rnd() << 32) | rnd();
        uint64_t y = (((uint64_t)rnd() << 32) | rnd()) >> (rnd() & 31);
        if (y == 0) y = 7;
        q += x / y + x % y + (uint64_t)((int64_t)x / (int64_t)(y | 1));
        q ^= x * y;
    }
    show("u64 lo", (uint32_t)q);
    show("u64 hi", (uint32_t)(q >> 32));

    static uint8_t buf[64];
    static uint16_t hbuf[32];
    for (int i = 0; i < 64; i++) buf[i] = (uint8_t)(i * 37);
    for (int i = 0; i < 32; i++) hbuf[i] = (uint16_t)(i * 4099);
    int32_t s = 0;
    for (int i = 0; i < 64; i++) s += (int8_t)buf[i] * 3 - buf[(i + 5) & 63];
    for (int i = 0; i < 32; i++) s += (int16_t)hbuf[i] - hbuf[31 - i] / 3;
    uint32_t unaligned;
    __builtin_memcpy(&unaligned, buf + 3, 4);
    show("mem", (uint32_t)s ^ unaligned);

    struct bits bf = {0};
    uint32_t bacc = 0;
    for (int i = 0; i < 40; i++) {
        uint32_t r = rnd();
        bf.a += r;
        bf.b -= (int)r;
        bf.c ^= r >> 3;
        bf.d = r >> 20;
        bacc += bf.a + (uint32_t)bf.b + bf.c * 3 + bf.d;
    }
    show("bitfield", bacc);
    show("fib", fib(20));
    sh_putdec(-123456);
    sh_puts("\n");
    return 0;
}
