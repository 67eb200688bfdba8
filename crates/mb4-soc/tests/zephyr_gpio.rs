//! GPIO, pin mux and WAKEUP driven by the register sequences of Zephyr 4.1's
//! `drivers/gpio/gpio_smartbond.c` and `drivers/pinctrl/renesas/smartbond`,
//! replayed through the system bus at the addresses of `da1469x.dtsi`.

use mb4_soc::bus::{Clocks, Soc};
use mb4_soc::flash::NorFlash;
use mb4_soc::periph::gpio::{PadMode, Pin};

const GPIO: u32 = 0x5002_0A00;
const P0_DATA: u32 = GPIO;
const P0_SET: u32 = GPIO + 0x08;
const P0_RESET: u32 = GPIO + 0x10;
const P1_SET: u32 = GPIO + 0x0C;
const P0_MODE: u32 = GPIO + 0x18;
const P1_MODE: u32 = GPIO + 0x98;
const WAKEUP: u32 = 0x5000_0100;
const WKUP_CTRL: u32 = WAKEUP;
const WKUP_RESET_IRQ: u32 = WAKEUP + 0x08;
const WKUP_SELECT_P0: u32 = WAKEUP + 0x14;
const WKUP_SELECT_P1: u32 = WAKEUP + 0x18;
const WKUP_POL_P0: u32 = WAKEUP + 0x28;
const WKUP_STATUS_P0: u32 = WAKEUP + 0x3C;
const WKUP_CLEAR_P0: u32 = WAKEUP + 0x48;
const WKUP_CLEAR_P1: u32 = WAKEUP + 0x4C;
const WKUP_SEL_GPIO_P0: u32 = WAKEUP + 0x54;
const WKUP_SEL_GPIO_P1: u32 = WAKEUP + 0x58;
const CLK_TMR: u32 = 0x5000_0018;
const GPIO_P0_IRQ: u32 = 38;

fn soc() -> Soc {
    Soc::new(
        NorFlash::new([0xEF, 0x60, 0x18], 1 << 20),
        Clocks {
            xtal32k_hz: Some(32_768),
        },
    )
}

fn pin(port: u8, n: u8) -> Pin {
    Pin::new(port, n).unwrap()
}

/// `gpio_smartbond_wkup_init`.
fn wkup_init(s: &mut Soc) {
    s.write(WKUP_CTRL, 4, 0).unwrap();
    s.write(WKUP_CLEAR_P0, 4, 0xFFFF_FFFF).unwrap();
    s.write(WKUP_CLEAR_P1, 4, 0xFFFF_FFFF).unwrap();
    s.write(WKUP_SELECT_P0, 4, 0).unwrap();
    s.write(WKUP_SELECT_P1, 4, 0).unwrap();
    s.write(WKUP_SEL_GPIO_P0, 4, 0).unwrap();
    s.write(WKUP_SEL_GPIO_P1, 4, 0).unwrap();
    s.write(WKUP_RESET_IRQ, 4, 0).unwrap();
    let tmr = s.read(CLK_TMR, 4).unwrap();
    s.write(CLK_TMR, 4, tmr | 1).unwrap();
    s.write(WKUP_CTRL, 4, 1 << 7).unwrap();
}

fn rmw(s: &mut Soc, addr: u32, f: impl Fn(u32) -> u32) {
    let v = s.read(addr, 4).unwrap();
    s.write(addr, 4, f(v)).unwrap();
}

#[test]
fn outputs_set_reset_toggle_and_changes() {
    let mut s = soc();
    wkup_init(&mut s);
    let led = pin(0, 27);
    // pin_configure(GPIO_OUTPUT_INIT_HIGH): MODE = PUPD_OUTPUT, then SET.
    s.write(P0_MODE + 4 * 27, 4, 3 << 8).unwrap();
    s.write(P0_SET, 4, 1 << 27).unwrap();
    assert_eq!(s.gpio.output(led), Some(true));
    assert_eq!(s.gpio.mode(led), PadMode::Output);
    assert!(s.gpio.function(led).is_gpio());
    // port_set_masked_raw: SET = value & mask; RESET = ~value & mask.
    s.write(P0_SET, 4, 0).unwrap();
    s.write(P0_RESET, 4, 1 << 27).unwrap();
    assert_eq!(s.gpio.output(led), Some(false));
    // port_toggle_bits: DATA ^= mask.
    rmw(&mut s, P0_DATA, |v| v ^ (1 << 27));
    assert_eq!(s.gpio.output(led), Some(true));
    assert_eq!(
        s.read(P0_DATA, 4).unwrap() >> 27 & 1,
        1,
        "DATA reads the pad"
    );
    let (changes, dropped) = s.gpio.take_changes();
    assert_eq!(dropped, 0);
    let levels: Vec<_> = changes.iter().map(|c| (c.pin, c.level)).collect();
    // The driver sets the mode before the level, so the pin first drives the
    // latch's 0 (as on silicon), then 1.
    assert_eq!(
        levels,
        [
            (led, Some(false)),
            (led, Some(true)),
            (led, Some(false)),
            (led, Some(true))
        ]
    );
    // P1 pins exist up to P1_22; bits above are not pins.
    s.write(P1_MODE + 4 * 22, 4, 3 << 8).unwrap();
    s.write(P1_SET, 4, u32::MAX).unwrap();
    assert_eq!(s.gpio.output(pin(1, 22)), Some(true));
    assert!(Pin::new(1, 23).is_none());
    // GPIO_DISCONNECTED: input, no pull: the pin stops driving.
    s.write(P0_MODE + 4 * 27, 4, 0).unwrap();
    assert_eq!(s.gpio.output(led), None);
    assert!(
        s.take_reports().is_empty(),
        "nothing unmodelled on this path"
    );
}

#[test]
fn inputs_read_board_level_or_pull() {
    let mut s = soc();
    let button = pin(0, 12);
    // GPIO_INPUT | GPIO_PULL_UP.
    s.write(P0_MODE + 4 * 12, 4, 1 << 8).unwrap();
    assert_eq!(s.read(P0_DATA, 4).unwrap() >> 12 & 1, 1, "pull-up");
    s.gpio_drive(button, Some(false));
    assert_eq!(s.read(P0_DATA, 4).unwrap() >> 12 & 1, 0, "board drives low");
    s.gpio_drive(button, None);
    assert!(s.gpio.level(button));
    // Pull-down (the reset mode) reads 0.
    assert!(!s.gpio.level(pin(0, 13)));
    assert_eq!(s.gpio.mode(pin(0, 13)), PadMode::InputPullDown);
}

#[test]
fn pinctrl_mux_is_visible() {
    let mut s = soc();
    // pinctrl_configure_pin: MODE = func << PID | pull. I2C_SCL = 21, I2C_SDA = 22,
    // SPI2_CLK = 19 with output enable, UART_TX = 2.
    s.write(P0_MODE + 4 * 28, 4, 21).unwrap();
    s.write(P0_MODE + 4 * 29, 4, 22 | 1 << 8).unwrap();
    s.write(P1_MODE + 4 * 3, 4, 19 | 3 << 8).unwrap();
    s.write(P0_MODE + 4 * 9, 4, 2 | 3 << 8).unwrap();
    assert_eq!(s.gpio.function(pin(0, 28)).to_string(), "I2C_SCL");
    assert_eq!(s.gpio.function(pin(0, 29)).name(), Some("I2C_SDA"));
    assert_eq!(s.gpio.function(pin(1, 3)).to_string(), "SPI2_CLK");
    assert_eq!(s.gpio.function(pin(0, 9)).to_string(), "UART_TX");
    assert_eq!(
        s.gpio.output(pin(1, 3)),
        None,
        "a peripheral function is not a GPIO output"
    );
    s.write(P0_MODE + 4 * 30, 4, 60).unwrap();
    assert_eq!(s.gpio.function(pin(0, 30)).to_string(), "PID 60");
}

#[test]
fn edge_interrupts_as_gpio_smartbond_uses_them() {
    let mut s = soc();
    wkup_init(&mut s);
    let key = pin(0, 6);
    s.write(P0_MODE + 4 * 6, 4, 1 << 8).unwrap(); // input, pull-up: high
    // pin_interrupt_configure(EDGE, TRIG_LOW): POL |= mask; SEL |= mask.
    rmw(&mut s, WKUP_POL_P0, |v| v | 1 << 6);
    rmw(&mut s, WKUP_SEL_GPIO_P0, |v| v | 1 << 6);
    assert!(!s.irqs.is_high(GPIO_P0_IRQ), "configuring fires nothing");
    s.gpio_drive(key, Some(false)); // pressed: falling edge
    assert!(s.irqs.is_high(GPIO_P0_IRQ));
    // gpio_smartbond_isr: RESET_IRQ, read STATUS, CLEAR = stat.
    s.write(WKUP_RESET_IRQ, 4, 0xFFFF).unwrap();
    let stat = s.read(WKUP_STATUS_P0, 4).unwrap();
    assert_eq!(stat, 1 << 6);
    s.write(WKUP_CLEAR_P0, 4, stat).unwrap();
    assert!(!s.irqs.is_high(GPIO_P0_IRQ));
    // Release: a rising edge is not a falling one.
    s.gpio_drive(key, Some(true));
    assert!(!s.irqs.is_high(GPIO_P0_IRQ));
    assert_eq!(s.read(WKUP_STATUS_P0, 4).unwrap(), 0);

    // TRIG_BOTH: gpio_smartbond_arm_next_edge_interrupt sets POL to the level
    // present, so the next change in either direction fires.
    let arm = |s: &mut Soc| loop {
        let v = s.read(P0_DATA, 4).unwrap() & 1 << 6;
        if v != 0 {
            rmw(s, WKUP_POL_P0, |p| p | 1 << 6);
        } else {
            rmw(s, WKUP_POL_P0, |p| p & !(1 << 6));
        }
        if v == s.read(P0_DATA, 4).unwrap() & 1 << 6 {
            break;
        }
    };
    arm(&mut s);
    for level in [false, true, false] {
        s.gpio_drive(key, Some(level));
        assert!(s.irqs.is_high(GPIO_P0_IRQ), "edge to {level}");
        s.write(WKUP_RESET_IRQ, 4, 0xFFFF).unwrap();
        let stat = s.read(WKUP_STATUS_P0, 4).unwrap();
        arm(&mut s);
        s.write(WKUP_CLEAR_P0, 4, stat).unwrap();
        assert!(!s.irqs.is_high(GPIO_P0_IRQ));
    }
    // GPIO_INT_MODE_DISABLED: SEL &= ~mask; CLEAR = mask.
    rmw(&mut s, WKUP_SEL_GPIO_P0, |v| v & !(1 << 6));
    s.write(WKUP_CLEAR_P0, 4, 1 << 6).unwrap();
    s.gpio_drive(key, Some(true));
    assert!(!s.irqs.is_high(GPIO_P0_IRQ));
    let r = s.take_reports();
    assert!(r.is_empty(), "{r:?}");
}

#[test]
fn key_wakeup_and_pdc() {
    let mut s = soc();
    wkup_init(&mut s);
    // A PDC entry: GPIO P0 (select 0) pin 6, master M33, as da1469x_pdc_add
    // writes for a GPIO interrupt under CONFIG_PM.
    s.write(0x5000_0200, 4, 6 << 2 | 1 << 11).unwrap();
    rmw(&mut s, WKUP_SEL_GPIO_P0, |v| v | 1 << 6);
    s.gpio_drive(pin(0, 6), Some(true));
    assert_eq!(s.pdc.pending() & 1, 1, "the PDC entry went pending");
    // The KEY path: WKUP_SELECT → KEY_WKUP_GPIO (19) until WKUP_RESET_IRQ.
    s.write(WKUP_SELECT_P1, 4, 1 << 2).unwrap();
    s.gpio_drive(pin(1, 2), Some(true));
    assert!(s.irqs.is_high(19));
    s.write(WKUP_RESET_IRQ, 4, 1).unwrap();
    assert!(!s.irqs.is_high(19));
}

#[test]
fn pad_latch_holds_outputs() {
    let mut s = soc();
    let led = pin(0, 27);
    s.write(P0_MODE + 4 * 27, 4, 3 << 8).unwrap();
    s.write(P0_SET, 4, 1 << 27).unwrap();
    // CRG_TOP->P0_RESET_PAD_LATCH_REG: the pad holds while the domain sleeps.
    s.write(0x5000_0078, 4, 1 << 27).unwrap();
    assert_eq!(s.read(0x5000_0070, 4).unwrap() >> 27 & 1, 0);
    s.write(P0_RESET, 4, 1 << 27).unwrap();
    assert_eq!(s.gpio.output(led), Some(true), "latched: still high");
    // P0_SET_PAD_LATCH_REG: the pad follows its registers again.
    s.write(0x5000_0074, 4, 1 << 27).unwrap();
    assert_eq!(s.gpio.output(led), Some(false));
}
