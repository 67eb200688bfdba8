/* mb4's CPU benchmark: a CoreMark-like mix of our own, for `mb4 bench cpu`.
 *
 * Four kernels, each the kind of work firmware does, run ITERATIONS times:
 *   - list:   build, reverse and search a linked list in a static pool
 *             (pointer chasing, loads, compares);
 *   - matrix: 16x16 integer matrix multiply-accumulate and a saturating
 *             DSP-style pass (multiplies, SMLA-friendly inner loops);
 *   - state:  a small lexer state machine over a text buffer (branches,
 *             byte loads, switch tables);
 *   - crc:    CRC-16/CCITT over the results (shifts, XOR, table-free).
 * Every kernel feeds a running CRC, printed at the end and checked against
 * the expected value, so a wrong instruction anywhere shows as a wrong
 * result rather than a fast one. Build with -O2 for the figures.
 */
#include "rt.h"

#ifndef ITERATIONS
#define ITERATIONS 400
#endif

static uint16_t crc16(uint16_t crc, uint32_t v) {
    for (int i = 0; i < 4; i++) {
        crc ^= (uint16_t)((v >> (8 * i)) & 0xFF) << 8;
        for (int b = 0; b < 8; b++) {
            crc = (crc & 0x8000) ? (uint16_t)((crc << 1) ^ 0x1021) : (uint16_t)(crc << 1);
        }
    }
    return crc;
}

/* --- list --------------------------------------------------------------- */
struct node {
    struct node *next;
    int32_t key;
    int32_t value;
};
#define NODES 64
static struct node pool[NODES];

static uint32_t list_kernel(uint32_t seed) {
    struct node *head = 0;
    for (int i = 0; i < NODES; i++) {
        seed = seed * 1664525u + 1013904223u;
        pool[i].key = (int32_t)(seed >> 20);
        pool[i].value = i;
        pool[i].next = head;
        head = &pool[i];
    }
    /* reverse */
    struct node *prev = 0;
    while (head) {
        struct node *n = head->next;
        head->next = prev;
        prev = head;
        head = n;
    }
    head = prev;
    /* find the keys of a few values; sum the matches */
    uint32_t acc = 0;
    for (int q = 0; q < 8; q++) {
        int32_t want = (int32_t)((seed >> (q * 3)) & 0xFFF);
        for (struct node *n = head; n; n = n->next) {
            if (n->key <= want) {
                acc += (uint32_t)n->value;
            }
        }
    }
    return acc;
}

/* --- matrix ------------------------------------------------------------- */
#define N 16
static int16_t ma[N][N], mb[N][N];
static int32_t mc[N][N];

static uint32_t matrix_kernel(uint32_t seed) {
    for (int i = 0; i < N; i++) {
        for (int j = 0; j < N; j++) {
            seed = seed * 1103515245u + 12345u;
            ma[i][j] = (int16_t)(seed >> 16);
            mb[i][j] = (int16_t)(seed >> 8);
        }
    }
    for (int i = 0; i < N; i++) {
        for (int j = 0; j < N; j++) {
            int32_t s = 0;
            for (int k = 0; k < N; k++) {
                s += (int32_t)ma[i][k] * mb[k][j];
            }
            mc[i][j] = s;
        }
    }
    uint32_t acc = 0;
    for (int i = 0; i < N; i++) {
        for (int j = 0; j < N; j++) {
            int32_t v = mc[i][j] >> 12;
            if (v > 32767) v = 32767;
            if (v < -32768) v = -32768;
            acc = acc * 31 + (uint32_t)v;
        }
    }
    return acc;
}

/* --- state machine ------------------------------------------------------ */
static const char text[] =
    "tick 12 at 0x1f00: sensor=bmi270 steps=4096; hr 72bpm, 0x2A ok; "
    "alarm 07:30 set, motor 250ms; battery 3.87V 81%, charging=no; "
    "lcd 120x240 rgb565 te=on; err -5 retry 3 0x7FFF done.";

enum { S_SPACE, S_WORD, S_NUM, S_HEX0, S_HEX, S_PUNCT };

static uint32_t state_kernel(uint32_t seed) {
    uint32_t words = 0, nums = 0, hexes = 0, puncts = 0, value = seed & 7;
    int st = S_SPACE;
    for (const char *p = text; *p; p++) {
        char c = *p;
        int digit = c >= '0' && c <= '9';
        int alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
        switch (st) {
        case S_SPACE:
        case S_PUNCT:
            if (c == '0') {
                st = S_HEX0;
            } else if (digit) {
                st = S_NUM;
                value = value * 10 + (uint32_t)(c - '0');
            } else if (alpha) {
                st = S_WORD;
                words++;
            } else if (c != ' ') {
                st = S_PUNCT;
                puncts++;
            }
            break;
        case S_HEX0:
            if (c == 'x') {
                st = S_HEX;
                hexes++;
            } else if (digit) {
                st = S_NUM;
            } else {
                st = S_SPACE;
                nums++;
            }
            break;
        case S_HEX:
            if (digit || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')) {
                value = (value << 4) ^ (uint32_t)c;
            } else {
                st = S_SPACE;
            }
            break;
        case S_NUM:
            if (digit) {
                value = value * 10 + (uint32_t)(c - '0');
            } else {
                st = alpha ? S_WORD : S_SPACE;
                nums++;
            }
            break;
        case S_WORD:
            if (!alpha && !digit && c != '_') {
                st = c == ' ' ? S_SPACE : S_PUNCT;
                if (st == S_PUNCT) puncts++;
            }
            break;
        }
    }
    return (words | nums << 8 | hexes << 16 | puncts << 24) ^ value;
}

int main(void) {
    uint16_t crc = 0xFFFF;
    uint32_t seed = 0x1234;
    for (int it = 0; it < ITERATIONS; it++) {
        crc = crc16(crc, list_kernel(seed));
        crc = crc16(crc, matrix_kernel(seed));
        crc = crc16(crc, state_kernel(seed));
        seed = seed * 69069u + (uint32_t)crc;
    }
    rt_printf("mb4 bench: %d iterations, crc %04x\n", ITERATIONS, (uint32_t)crc);
    return 0;
}
