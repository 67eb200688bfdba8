//! mb4 demo firmware: the smallest program that shows a Mi Band 4 is alive.
//!
//! It brings up the power domains and the 32 MHz crystal, prints a banner on
//! the console UART, draws colour bars and "mb4" on the RM69310 panel through
//! the LCDC, then sleeps on WFI and prints `tick N` each time TIMER2 (1 s on
//! the 32768 Hz low-power clock) wakes it. The emulator's boot test checks
//! exactly this output.

#![no_std]
#![no_main]

mod panel;
mod picture;
mod startup;

use core::fmt::Write;
use core::sync::atomic::{AtomicU32, Ordering};
use mb4_band_hal::gpio::Pin;
use mb4_band_hal::regs::{func, irqn};
use mb4_band_hal::uart::Uart;
use mb4_band_hal::{clock, cpu, mmio, power, timer};

/// Console pins and speed, from crates/mb4-board/boards/xiaomi_mi_band_4.toml
/// (`[[bus]] id = "uart"`: tx = P0_09, rx = P0_08; `[console]` baud 115200).
/// Unverified on a band: ZSband copied them from the DA1469x dev kit.
const CONSOLE_TX: Pin = Pin::new(0, 9);
const CONSOLE_RX: Pin = Pin::new(0, 8);
const CONSOLE_BAUD: u32 = 115_200;

/// Core clock after the switch to XTAL32M.
const CORE_HZ: u32 = 32_000_000;
/// Low-power clock (XTAL32K) ticks per wake-up: one second.
const TICK_PERIOD: u32 = 32_768;

/// Wake-ups counted by the TIMER2 interrupt.
static TICKS: AtomicU32 = AtomicU32::new(0);

unsafe extern "C" {
    static _vector_table: u32;
    static _ivt_ram: u32;
}

/// Copy the vector table to the start of SysRAM and point VTOR at it, as
/// Zephyr does on the DA1469x so that interrupts keep working while the
/// flash is asleep.
fn move_vector_table_to_ram() {
    let from = &raw const _vector_table;
    let to = (&raw const _ivt_ram).cast_mut();
    // SAFETY: the linker script reserves 0x200 bytes at _ivt_ram for this
    // copy and asserts the table fits; nothing else uses that RAM.
    unsafe { core::ptr::copy_nonoverlapping(from, to, 0x200 / 4) };
    mmio::write(cpu::SCB_VTOR, to as u32);
    cpu::barrier();
}

#[unsafe(no_mangle)]
extern "C" fn demo_main() -> ! {
    move_vector_table_to_ram();

    // PD_COM holds the UART and GPIO; PD_TIM CRG_XTAL and TIMER2; PD_PER the LCDC pads.
    power::power_up(power::Domain::Com);
    power::power_up(power::Domain::Tim);
    power::power_up(power::Domain::Per);

    // The console first, so that a hang in what follows is visible: the UART
    // runs from DIVN (32 MHz from RC32M now, from the crystal after the switch).
    CONSOLE_TX.set_function(func::UART_TX, true);
    CONSOLE_RX.set_function(func::UART_RX, false);
    let mut console = Uart::init(CONSOLE_BAUD);
    let _ = writeln!(
        console,
        "\nmb4 demo {} (DA1469x, bare metal)",
        env!("CARGO_PKG_VERSION")
    );

    clock::xtal32m_start();
    clock::switch_to_xtal32m();
    clock::lp_clock_xtal32k();
    let _ = writeln!(console, "clock: sys_clk XTAL32M, lp_clk XTAL32K");

    match panel::show_picture() {
        Ok(()) => {
            let _ = writeln!(
                console,
                "panel: RM69310 {}x{} RGB565, picture sent",
                picture::WIDTH,
                picture::HEIGHT
            );
        }
        Err(id) => {
            let _ = writeln!(
                console,
                "panel: LCDC id {id:#010x} is not an LCDC, no picture"
            );
        }
    }

    timer::start_periodic_lp(TICK_PERIOD);
    cpu::nvic_enable(irqn::TIMER2);
    cpu::irq_enable();
    let _ = writeln!(console, "sleeping; TIMER2 wakes us every second");

    let mut seen = 0;
    loop {
        cpu::wfi();
        let now = TICKS.load(Ordering::Relaxed);
        if now != seen {
            seen = now;
            let _ = writeln!(console, "tick {now}");
        }
    }
}

/// TIMER2: count a tick and acknowledge.
#[unsafe(no_mangle)]
extern "C" fn Timer2Handler() {
    timer::clear_irq();
    TICKS.fetch_add(1, Ordering::Relaxed);
}

/// Any exception we do not expect: stop here, visibly, for a debugger.
#[unsafe(no_mangle)]
extern "C" fn DefaultHandler() -> ! {
    loop {
        cpu::wfi();
    }
}

#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! {
    loop {
        cpu::wfi();
    }
}

/// Delay for the panel's power-on and sleep-out times.
fn delay_ms(ms: u32) {
    cpu::delay_ms(ms, CORE_HZ);
}
