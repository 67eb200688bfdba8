//! The band's wiring is written twice: as data in `boards/xiaomi_mi_band_4.toml`
//! (for the emulator and the tools) and as devicetree in
//! `firmware/boards/xiaomi/mi_band_4/` (for Zephyr). These tests keep the two
//! in step, so that a pin found on a real band is changed in both places.
//!
//! The devicetree is read as text, not compiled: each check looks for the
//! exact phrase the DTS uses for a fact (`bmi270@68`, `<&gpio1 0 `,
//! `SMARTBOND_PINMUX(UART_TX, 0, 9)`), inside the block of the node it belongs to.

use mb4_board::{Board, Pin};

const DTS: &str = include_str!("../../../firmware/boards/xiaomi/mi_band_4/xiaomi_mi_band_4.dts");
const PINCTRL: &str =
    include_str!("../../../firmware/boards/xiaomi/mi_band_4/xiaomi_mi_band_4-pinctrl.dtsi");

fn board() -> Board {
    Board::builtin("xiaomi_mi_band_4").expect("built-in board loads")
}

/// The text between the braces of the first block that starts with `head`
/// (`&i2c {`, `bmi270@68 {`), found by counting braces.
fn block<'a>(text: &'a str, head: &str) -> Option<&'a str> {
    let start = text.find(head)? + head.len();
    let mut depth = 1;
    for (i, c) in text[start..].char_indices() {
        match c {
            '{' => depth += 1,
            '}' => {
                depth -= 1;
                if depth == 0 {
                    return Some(&text[start..start + i]);
                }
            }
            _ => {}
        }
    }
    None
}

/// How a GPIO reference to `pin` starts in a DTS property: `<&gpio1 0 `.
fn gpio_ref(pin: Pin) -> String {
    format!("<&gpio{} {} ", pin.port, pin.number)
}

/// Where a `compatible = …;` line that lists `compat` (first or as a
/// fallback: `"bosch,bmi270-base", "bosch,bmi270"`) starts in `text`.
fn compatible_at(text: &str, compat: &str) -> Option<usize> {
    let quoted = format!("\"{compat}\"");
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let t = line.trim_start();
        if t.starts_with("compatible =") && t.contains(&quoted) {
            return Some(offset + line.len() - t.len());
        }
        offset += line.len();
    }
    None
}

/// The compatible string of each board-data model in the DTS.
fn compatible(model: &str) -> Option<&'static str> {
    Some(match model {
        "rm69310" => "raydium,rm69310",
        "bmi270" => "bosch,bmi270",
        "afe4900" => "ti,afe4900",
        "iqs620a" => "azoteq,iqs620a",
        "zinitix" => "zinitix,bt5xx",
        "erm-motor" => "gpio-vibrator",
        _ => return None,
    })
}

#[test]
fn every_i2c_part_sits_on_its_bus_at_its_address() {
    let board = board();
    let mut checked = 0;
    for part in board.parts.iter().filter(|p| p.address.is_some()) {
        let bus = part
            .bus
            .as_deref()
            .expect("an addressed part names its bus");
        let addr = part.address.unwrap();
        let bus_block = block(DTS, &format!("&{bus} {{"))
            .unwrap_or_else(|| panic!("the DTS has no &{bus} block for part {}", part.id));
        let node = format!("@{addr:x} {{");
        let node_block = bus_block.split("\n\n").find(|para| para.contains(&node));
        let node_block = node_block.unwrap_or_else(|| {
            panic!(
                "part {} ({}) should be a node `…{node}` in &{bus}",
                part.id, part.model
            )
        });
        let compat = compatible(&part.model)
            .unwrap_or_else(|| panic!("no DTS compatible known for model {}", part.model));
        assert!(
            compatible_at(node_block, compat).is_some(),
            "node {node} in &{bus} should be {compat} (part {})",
            part.id
        );
        assert!(
            node_block.contains(&format!("reg = <{addr:#04x}>")),
            "node {node} in &{bus} should have reg = <{addr:#04x}>"
        );
        checked += 1;
    }
    assert!(checked >= 4, "expected the IMU, PPG, wear and touch parts");
}

#[test]
fn every_part_pin_appears_in_the_dts_node_that_uses_it() {
    let board = board();
    for part in &board.parts {
        if part.pins.is_empty() {
            continue;
        }
        let compat = compatible(&part.model)
            .unwrap_or_else(|| panic!("no DTS compatible known for model {}", part.model));
        let at = compatible_at(DTS, compat)
            .unwrap_or_else(|| panic!("the DTS has no {compat} node (part {})", part.id));
        // The enclosing top-level block (`&i2c {`, `&lcdc {`, `/ {`) holds the
        // node and, for the panel, the host's reset line.
        let top = DTS[..at].rfind("\n&").or_else(|| DTS[..at].rfind("\n/ {"));
        let top = &DTS[top.expect("node inside a top-level block") + 1..];
        let head = &top[..top.find('{').unwrap() + 1];
        let scope = block(top, head).unwrap();
        for (role, pin) in &part.pins {
            assert!(
                scope.contains(&gpio_ref(*pin)),
                "part {} pin {role} = {pin}: `{}` is missing from the DTS block `{}`",
                part.id,
                gpio_ref(*pin),
                head.trim()
            );
        }
    }
}

#[test]
fn bus_pins_match_the_pin_mux() {
    let board = board();
    for bus in &board.buses {
        for (role, pin) in &bus.pins {
            let function = match (bus.controller.as_str(), role.as_str()) {
                ("UART", "tx") => "UART_TX",
                ("UART", "rx") => "UART_RX",
                ("I2C", "scl") => "I2C_SCL",
                ("I2C", "sda") => "I2C_SDA",
                ("I2C2", "scl") => "I2C2_SCL",
                ("I2C2", "sda") => "I2C2_SDA",
                ("LCDC", "clk") => "LCD_SPI_CLK",
                ("LCDC", "sdo") => "LCD_SPI_DO",
                ("LCDC", "dc") => "LCD_SPI_DC",
                ("LCDC", "cs") => "LCD_SPI_EN",
                // TE enters the LCDC on fixed pins, muxed as plain LCD.
                ("LCDC", "te") => "LCD",
                other => panic!("no pin-mux function known for {other:?}"),
            };
            let mux = format!("SMARTBOND_PINMUX({function}, {}, {})", pin.port, pin.number);
            assert!(
                PINCTRL.contains(&mux),
                "bus {} {role} = {pin}: `{mux}` is missing from the pinctrl file",
                bus.id
            );
        }
    }
}

#[test]
fn every_pin_mux_line_is_marked_unverified_while_the_board_data_is() {
    let board = board();
    if board.buses.iter().any(|b| b.verified) {
        return; // Once a bus is verified, its comment should say so instead.
    }
    for group in PINCTRL.split("group").skip(1) {
        if group.contains("SMARTBOND_PINMUX") {
            assert!(
                group.contains("unverified"),
                "a pinctrl group lacks its `unverified` comment:\ngroup{group}"
            );
        }
    }
}

#[test]
fn console_and_clocks_match() {
    let board = board();
    let console = board.console.as_ref().expect("the band has a console");
    let uart = block(DTS, &format!("&{} {{", console.uart)).expect("console UART block");
    assert!(uart.contains(&format!("current-speed = <{}>", console.baud)));
    let lp = block(DTS, "&lp_clk {").expect("&lp_clk block");
    assert!(lp.contains(&format!("clock-src = <&{}>", board.clocks.lp_clock)));
}
