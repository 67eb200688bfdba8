//! The demo's picture: eight colour bars over the word "mb4".
//!
//! Plain `core` code with no dependencies, so host-side tests can include this
//! file to know every pixel the panel should show.

/// Panel width in pixels (RM69310 as fitted to the Mi Band 4).
pub const WIDTH: u16 = 120;
/// Panel height in pixels.
pub const HEIGHT: u16 = 240;

/// RGB565 colours of the bars, left to right.
pub const BARS: [u16; 8] = [
    0xFFFF, // white
    0xFFE0, // yellow
    0x07FF, // cyan
    0x07E0, // green
    0xF81F, // magenta
    0xF800, // red
    0x001F, // blue
    0x0000, // black
];
/// Bars cover rows 0..BAR_ROWS, each WIDTH / 8 = 15 columns wide.
pub const BAR_ROWS: u16 = 160;
/// Colour of the text.
pub const INK: u16 = 0xFFFF;
/// Colour behind the text.
pub const PAPER: u16 = 0x0000;

/// 5x7 glyphs, one row per byte, bit 4 = leftmost column.
const GLYPHS: [[u8; 7]; 3] = [
    // m
    [
        0b00000, 0b00000, 0b11010, 0b10101, 0b10101, 0b10101, 0b10101,
    ],
    // b
    [
        0b10000, 0b10000, 0b11110, 0b10001, 0b10001, 0b10001, 0b11110,
    ],
    // 4
    [
        0b00010, 0b00110, 0b01010, 0b10010, 0b11111, 0b00010, 0b00010,
    ],
];
/// Each font pixel is SCALE x SCALE panel pixels.
const SCALE: u16 = 6;
/// Top-left corner of the first glyph, and the step from glyph to glyph.
const TEXT_X: u16 = 9;
const TEXT_Y: u16 = 179;
const GLYPH_STEP: u16 = 6 * SCALE;

/// The colour (RGB565) of pixel `(x, y)`; `x < WIDTH`, `y < HEIGHT`.
pub fn pixel(x: u16, y: u16) -> u16 {
    if y < BAR_ROWS {
        return BARS[(x / (WIDTH / 8)) as usize];
    }
    if x < TEXT_X || y < TEXT_Y {
        return PAPER;
    }
    let (dx, dy) = (x - TEXT_X, y - TEXT_Y);
    let glyph = (dx / GLYPH_STEP) as usize;
    let (col, row) = ((dx % GLYPH_STEP) / SCALE, dy / SCALE);
    if glyph < GLYPHS.len()
        && col < 5
        && row < 7
        && GLYPHS[glyph][row as usize] >> (4 - col) & 1 != 0
    {
        INK
    } else {
        PAPER
    }
}
