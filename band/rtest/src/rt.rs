//! The runtime: vector table, reset (FPU on, .data, .bss), semihosting
//! output and exit, and the panic handler. Symbols come from
//! tests/cpu/rt/link.ld.

use core::fmt;
use core::sync::atomic::{AtomicI32, Ordering};

core::arch::global_asm!(
    r#"
    .section .vectors, "a"
    .p2align 2
    .word _stack_top
    .word rtest_reset
    .rept 14
    .word rtest_fault
    .endr

    .section .text.rtest_reset, "ax"
    .global rtest_reset
    .type rtest_reset, %function
    .thumb_func
rtest_reset:
    ldr r0, =0xE000ED88
    ldr r1, [r0]
    orr r1, r1, #(0xF << 20)
    str r1, [r0]
    dsb
    isb
    ldr r0, =_data_start
    ldr r1, =_data_end
    ldr r2, =_data_load
1:  cmp r0, r1
    bhs 2f
    ldr r3, [r2], #4
    str r3, [r0], #4
    b 1b
2:  ldr r0, =_bss_start
    ldr r1, =_bss_end
    movs r2, #0
3:  cmp r0, r1
    bhs 4f
    str r2, [r0], #4
    b 3b
4:  bl main
    bl rtest_exit

    .section .text.rtest_fault, "ax"
    .global rtest_fault
    .type rtest_fault, %function
    .thumb_func
rtest_fault:
    movs r0, #99
    bl rtest_exit
"#
);

fn semihost(op: u32, arg: *const u32) -> u32 {
    let mut r0 = op;
    // SAFETY: BKPT 0xAB is the semihosting call; the host reads `arg`'s block.
    unsafe {
        core::arch::asm!("bkpt 0xab", inout("r0") r0, in("r1") arg, options(nostack));
    }
    r0
}

/// SYS_EXIT_EXTENDED with ADP_Stopped_ApplicationExit and `code`.
#[unsafe(no_mangle)]
extern "C" fn rtest_exit(code: i32) -> ! {
    let block = [0x20026u32, code as u32];
    loop {
        semihost(0x20, block.as_ptr());
    }
}

/// The console handle: SYS_WRITE needs one, from SYS_OPEN of ":tt" for
/// writing (mode 4), as the semihosting specification says.
static CONSOLE: AtomicI32 = AtomicI32::new(-1);

/// Console output through SYS_WRITE.
pub struct Out;

impl fmt::Write for Out {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        let mut handle = CONSOLE.load(Ordering::Relaxed);
        if handle < 0 {
            let open = [c":tt".as_ptr() as u32, 4, 3];
            handle = semihost(0x01, open.as_ptr()) as i32;
            CONSOLE.store(handle, Ordering::Relaxed);
        }
        let block = [handle as u32, s.as_ptr() as u32, s.len() as u32];
        semihost(0x05, block.as_ptr());
        Ok(())
    }
}

#[panic_handler]
fn panic(info: &core::panic::PanicInfo<'_>) -> ! {
    let _ = fmt::Write::write_fmt(&mut Out, format_args!("panic: {info}\n"));
    rtest_exit(101)
}
