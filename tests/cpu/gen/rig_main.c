/* Runs the blocks gen/rig.py generated and prints what each left behind:
   r0-r9, APSR, FPSCR, s0-s15, and a checksum of the sandbox memory the
   block's loads and stores worked on. */
#include "rt.h"

#define WORDS (10 + 2 + 16)

extern const uint32_t rig_count;
extern void (*const rig_blocks[])(const uint32_t *init);
extern const uint32_t rig_init[][WORDS];

uint32_t rig_out[WORDS];
uint32_t rig_sandbox[128] __attribute__((aligned(8)));

static uint32_t checksum(void) {
    uint32_t h = 2166136261u;
    const uint8_t *p = (const uint8_t *)rig_sandbox;
    for (unsigned i = 0; i < sizeof rig_sandbox; i++) {
        h = (h ^ p[i]) * 16777619u;
    }
    return h;
}

int main(void) {
    for (unsigned i = 0; i < 128; i++) {
        rig_sandbox[i] = i * 0x9E3779B9u;
    }
    for (uint32_t b = 0; b < rig_count; b++) {
        rig_blocks[b](rig_init[b]);
        rt_printf("block %u:", b);
        for (int i = 0; i < WORDS; i++) {
            rt_printf(" %08x", rig_out[i]);
        }
        rt_printf(" mem %08x\n", checksum());
    }
    return 0;
}
