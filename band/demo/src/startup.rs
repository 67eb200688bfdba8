//! Reset and the vector table.
//!
//! The table is written in assembly so the initial stack pointer (a linker
//! symbol) and the handlers sit in one plain array of words at the start of
//! the image. `Reset` turns on the FPU (this target passes floats in FPU
//! registers, so compiled code may touch them anywhere), copies `.data` from
//! flash, zeroes `.bss`, and calls `demo_main`.

core::arch::global_asm!(
    r#"
    .section .vector_table, "a"
    .p2align 2
    .word _stack_top
    .word Reset
    .word DefaultHandler   /* NMI */
    .word DefaultHandler   /* HardFault */
    .word DefaultHandler   /* MemManage */
    .word DefaultHandler   /* BusFault */
    .word DefaultHandler   /* UsageFault */
    .word DefaultHandler   /* SecureFault */
    .word 0, 0, 0
    .word DefaultHandler   /* SVCall */
    .word DefaultHandler   /* DebugMonitor */
    .word 0
    .word DefaultHandler   /* PendSV */
    .word DefaultHandler   /* SysTick */
    /* External interrupts 0..39 (DA1469xAB.h IRQn_Type); 17 is TIMER2. */
    .rept 17
    .word DefaultHandler
    .endr
    .word Timer2Handler
    .rept 22
    .word DefaultHandler
    .endr

    .section .text.Reset, "ax"
    .global Reset
    .type Reset, %function
    .thumb_func
Reset:
    /* CPACR: full access to CP10 and CP11 (the FPU). */
    ldr r0, =0xE000ED88
    ldr r1, [r0]
    orr r1, r1, #(0xF << 20)
    str r1, [r0]
    dsb
    isb
    /* .data: copy from its load address in flash. */
    ldr r0, =_sdata
    ldr r1, =_edata
    ldr r2, =_sidata
1:  cmp r0, r1
    bhs 2f
    ldr r3, [r2], #4
    str r3, [r0], #4
    b 1b
    /* .bss: zero. */
2:  ldr r0, =_sbss
    ldr r1, =_ebss
    movs r2, #0
3:  cmp r0, r1
    bhs 4f
    str r2, [r0], #4
    b 3b
4:  bl demo_main
    udf #0
    .size Reset, . - Reset
    .ltorg
"#
);
