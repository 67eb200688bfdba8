/* The program tests/gdb/run debugs: a function to break in, a global to
   watch, a float to read back, and an exit status a debugger can change. */
#include "rt.h"

volatile unsigned counter;
volatile float ratio = 1.5f;

__attribute__((noinline)) unsigned bump(unsigned by) {
    counter += by;
    return counter;
}

int main(void) {
    unsigned total = 0;
    for (unsigned i = 1; i <= 5; i++) {
        total = bump(i);
    }
    ratio = ratio * 2.0f;
    rt_printf("total %u\n", total);
    return (int)(total & 0x7f);
}
