//! VBUS detection as Zephyr 4.1's `drivers/usb/udc/udc_smartbond.c` uses it,
//! the CHARGER trims hal_renesas' `da1469x_pd.c` writes when PD_SYS comes up,
//! and a full charge cycle driven by the machine's battery.

use mb4_soc::bus::{Clocks, Soc};
use mb4_soc::flash::NorFlash;
use mb4_soc::periph::charger::{State, decode_charge_ma, decode_mv};

const ANA_STATUS: u32 = 0x5000_00EC;
const VBUS_IRQ_MASK: u32 = 0x5000_0054;
const VBUS_IRQ_CLEAR: u32 = 0x5000_0058;
const VBUS_IRQ: u32 = 21;
const CHARGER: u32 = 0x5004_0400;
const CTRL: u32 = CHARGER;
const STATUS: u32 = CHARGER + 0x08;
const VOLTAGE: u32 = CHARGER + 0x0C;
const CURRENT: u32 = CHARGER + 0x10;
const PWR_UP_TIMER: u32 = CHARGER + 0x54;
const STATE_IRQ_MASK: u32 = CHARGER + 0x58;
const STATE_IRQ_STATUS: u32 = CHARGER + 0x60;
const STATE_IRQ_CLR: u32 = CHARGER + 0x68;
const CHARGER_STATE_IRQ: u32 = 2;

fn soc() -> Soc {
    Soc::new(
        NorFlash::new([0xEF, 0x60, 0x18], 1 << 20),
        Clocks {
            xtal32k_hz: Some(32_768),
        },
    )
}

fn write32_mask(s: &mut Soc, mask: u32, value: u32, addr: u32) {
    let v = s.read(addr, 4).unwrap();
    s.write(addr, 4, (v & !mask) | (value & mask)).unwrap();
}

#[test]
fn vbus_plug_and_unplug_interrupts() {
    let mut s = soc();
    // usb_dc_smartbond init: clear, then enable both edges.
    s.write(VBUS_IRQ_CLEAR, 4, 1).unwrap();
    s.write(VBUS_IRQ_MASK, 4, 0b11).unwrap();
    assert_eq!(s.read(ANA_STATUS, 4).unwrap() & 1 << 9, 0);
    s.set_vbus(true);
    assert!(s.irqs.is_high(VBUS_IRQ));
    // usb_dc_smartbond_vbus_isr.
    s.write(VBUS_IRQ_CLEAR, 4, 1).unwrap();
    assert!(!s.irqs.is_high(VBUS_IRQ));
    assert_ne!(s.read(ANA_STATUS, 4).unwrap() & 1 << 9, 0, "VBUS_AVAILABLE");
    s.set_vbus(false);
    assert!(s.irqs.is_high(VBUS_IRQ));
    s.write(VBUS_IRQ_CLEAR, 4, 1).unwrap();
    assert_eq!(s.read(ANA_STATUS, 4).unwrap() & 1 << 9, 0);
    // Only the rising edge enabled: unplugging stays quiet.
    s.write(VBUS_IRQ_MASK, 4, 0b10).unwrap();
    s.set_vbus(true);
    s.write(VBUS_IRQ_CLEAR, 4, 1).unwrap();
    s.set_vbus(false);
    assert!(!s.irqs.is_high(VBUS_IRQ));
    let r = s.take_reports();
    assert!(r.is_empty(), "{r:?}");
}

#[test]
fn hal_trims_are_accepted_quietly() {
    let mut s = soc();
    // da1469x_pd_apply_preferred(MCU_PD_DOMAIN_SYS).
    write32_mask(&mut s, 0x0000_0C00, 0x003F_6A78, CTRL);
    write32_mask(&mut s, 0x0000_03FF, 0x0000_0002, PWR_UP_TIMER);
    assert_eq!(s.read(CTRL, 4).unwrap(), 0x800);
    let r = s.take_reports();
    assert!(r.is_empty(), "{r:?}");
}

#[test]
fn a_charge_cycle() {
    let mut s = soc();
    // V_CHARGE 4.2 V (40), V_PRECHARGE 3.0 V (4), V_REPLENISH 4.1 V (35), V_OVP 4.4 V (50).
    assert_eq!(
        [decode_mv(40), decode_mv(4), decode_mv(35), decode_mv(50)],
        [4200, 3000, 4100, 4400]
    );
    s.write(VOLTAGE, 4, 40 | 4 << 6 | 35 << 12 | 50 << 18)
        .unwrap();
    // I_CHARGE 100 mA (17), I_PRECHARGE 10 mA (17), I_END_OF_CHARGE code 1 (8 %).
    assert_eq!(decode_charge_ma(17), 100);
    s.write(CURRENT, 4, 17 | 17 << 6 | 1 << 12).unwrap();
    s.write(STATE_IRQ_MASK, 4, 0xFFF).unwrap();
    s.set_battery(2.9, 0.0);
    s.write(CTRL, 4, 0b11).unwrap(); // CHARGER_ENABLE | CHARGE_START
    assert_eq!(s.charger.state(), State::PowerUp, "no VBUS, no charge");
    assert_eq!(s.read(STATUS, 4).unwrap() & 1, 0, "not powered up");
    s.set_vbus(true);
    assert_eq!(s.charger.state(), State::PreCharge);
    assert!(s.irqs.is_high(CHARGER_STATE_IRQ));
    assert_eq!(
        s.read(STATE_IRQ_STATUS, 4).unwrap(),
        1,
        "DISABLED_TO_PRECHARGE"
    );
    s.write(STATE_IRQ_CLR, 4, 1).unwrap();
    assert!(!s.irqs.is_high(CHARGER_STATE_IRQ));
    assert_eq!(s.set_battery(2.95, 10.0), 10.0, "pre-charge current");
    assert_eq!(s.set_battery(3.6, 10.0), 100.0, "CC current");
    assert_eq!(s.charger.state(), State::CcCharge);
    assert_eq!(s.read(STATUS, 4).unwrap() >> 14 & 0xF, 4);
    s.set_battery(4.2, 100.0);
    assert_eq!(s.charger.state(), State::CvCharge);
    s.set_battery(4.2, 20.0);
    assert_eq!(s.charger.state(), State::CvCharge, "still above 8 mA");
    assert_eq!(s.set_battery(4.2, 7.0), 0.0, "end of charge");
    assert_eq!(s.charger.state(), State::EndOfCharge);
    assert_ne!(s.read(STATUS, 4).unwrap() & 1 << 3, 0, "END_OF_CHARGE");
    // Replenish below 4.1 V: back to charging.
    s.set_battery(4.05, 0.0);
    assert_eq!(s.charger.state(), State::CcCharge);
    let st = s.read(STATE_IRQ_STATUS, 4).unwrap();
    assert_eq!(
        st, 0b11_0110,
        "PRECHARGE_TO_CC, CC_TO_CV, CV_TO_EOC, EOC_TO_PRECHARGE"
    );
    // Unplugged: the charger loses power.
    s.set_vbus(false);
    assert_eq!(s.charger.state(), State::PowerUp);
    assert_eq!(s.set_battery(4.0, 0.0), 0.0);
    // The battery voltage reaches GPADC's VBAT input too.
    assert_eq!(s.gpadc.input(mb4_soc::periph::gpadc::Input::Vbat), 4.0);
}
