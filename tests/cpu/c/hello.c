/* Semihosting output paths and the exit status: SYS_WRITEC, SYS_WRITE0,
   SYS_WRITE (with an embedded NUL), and SYS_EXIT_EXTENDED with a nonzero code. */
#include "rt.h"

int main(void) {
    rt_putc('h');
    rt_putc('i');
    rt_putc('\n');
    rt_puts("write0 line\n");
    rt_write("write with NUL:\0:end\n", 21);
    rt_printf("printf %d %u %x %08x %c %s %%\n", -42, 42u, 0xbeefu, 0x1234u, 'z', "str");
    return 3;
}
