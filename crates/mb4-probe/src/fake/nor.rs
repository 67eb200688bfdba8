//! A NOR flash part as the QSPI controller sees it in manual mode.

/// Bus width of one transaction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lines {
    /// One data line (commands, addresses, data).
    Single,
    /// Four.
    Quad,
}

/// One chip-select-low … chip-select-high transaction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transaction {
    /// Bus width when chip select went low.
    pub lines: Lines,
    /// Bytes the controller sent.
    pub sent: Vec<u8>,
    /// Number of bytes clocked in.
    pub read: usize,
}

/// Page size for page program.
pub const PAGE: usize = 256;
/// Sector size for 0x20.
pub const SECTOR: usize = 4096;

/// A NOR flash part: contents, status, continuous-read mode, busy time.
#[derive(Debug, Clone)]
pub struct FakeNor {
    /// READ JEDEC ID answer.
    pub jedec: [u8; 3],
    /// Contents (erased = 0xFF).
    pub data: Vec<u8>,
    /// Left in continuous-read mode by the boot ROM's burst reads.
    pub continuous: bool,
    /// Status reads a program or erase stays busy for.
    pub busy_polls: u32,
    /// Every transaction, in order.
    pub log: Vec<Transaction>,
    /// What the part would not have done on silicon, and why.
    pub violations: Vec<String>,
    /// Counts of program and erase operations done.
    pub programs: usize,
    /// Sector erases done.
    pub erases: usize,
    wel: bool,
    busy_left: u32,
    reset_enabled: bool,
    current: Option<Transaction>,
}

impl FakeNor {
    /// An erased part.
    pub fn new(jedec: [u8; 3], size: usize) -> FakeNor {
        FakeNor {
            jedec,
            data: vec![0xFF; size],
            continuous: true,
            busy_polls: 3,
            log: Vec::new(),
            violations: Vec::new(),
            programs: 0,
            erases: 0,
            wel: false,
            busy_left: 0,
            reset_enabled: false,
            current: None,
        }
    }

    /// Whether a program or erase is still running.
    pub fn busy(&self) -> bool {
        self.busy_left > 0
    }

    /// Chip select low.
    pub fn select(&mut self, lines: Lines) {
        if self.current.is_some() {
            self.violations
                .push("chip select asserted twice without release".into());
            return;
        }
        self.current = Some(Transaction {
            lines,
            sent: Vec::new(),
            read: 0,
        });
    }

    /// A byte out.
    pub fn write(&mut self, b: u8) {
        match &mut self.current {
            Some(t) => t.sent.push(b),
            None => self
                .violations
                .push(format!("byte {b:#04x} sent with chip select high")),
        }
    }

    /// A byte in.
    pub fn read(&mut self) -> u8 {
        let Some(t) = &mut self.current else {
            self.violations
                .push("byte read with chip select high".into());
            return 0xFF;
        };
        let n = t.read;
        t.read += 1;
        let (lines, op) = (t.lines, t.sent.first().copied());
        if self.continuous {
            return 0xFF;
        }
        if lines != Lines::Single {
            self.violations
                .push("read in quad mode during a single-line command".into());
        }
        match op {
            Some(0x9F) => self.jedec[n % 3],
            Some(0x05) => {
                let busy = self.busy_left > 0;
                if busy {
                    self.busy_left -= 1;
                }
                u8::from(busy) | u8::from(self.wel) << 1
            }
            _ => {
                self.violations.push(format!(
                    "read after command {op:02x?}, which returns nothing"
                ));
                0xFF
            }
        }
    }

    /// Chip select high: the command acts.
    pub fn deselect(&mut self) {
        let Some(t) = self.current.take() else {
            return;
        };
        self.log.push(t.clone());
        if self.continuous {
            // In continuous-read mode the first bytes are an address; only
            // the FF FF break (on four lines, or 16 clocks of FF) ends it.
            if t.sent.len() >= 2 && t.sent[..2] == [0xFF, 0xFF]
                || t.lines == Lines::Quad && t.sent.first() == Some(&0xFF)
            {
                self.continuous = false;
            } else if !t.sent.is_empty() && t.sent[0] != 0xFF {
                self.violations.push(format!(
                    "command {:#04x} sent while the part is in continuous-read mode",
                    t.sent[0]
                ));
            }
            return;
        }
        let Some(&op) = t.sent.first() else {
            return;
        };
        if t.lines != Lines::Single && op != 0xFF {
            self.violations.push(format!(
                "command {op:#04x} sent on four lines; the part expects one"
            ));
            return;
        }
        if self.busy_left > 0 && !matches!(op, 0x05 | 0x66 | 0x99) {
            self.violations
                .push(format!("command {op:#04x} sent while the part is busy"));
            return;
        }
        let reset_enabled = std::mem::take(&mut self.reset_enabled);
        let addr = || -> Option<usize> {
            let a = t.sent.get(1..4)?;
            Some(
                (usize::from(a[0]) << 16 | usize::from(a[1]) << 8 | usize::from(a[2]))
                    % self.data.len(),
            )
        };
        match op {
            0x06 => self.wel = true,
            0x04 => self.wel = false,
            0x02 => {
                let (Some(a), true) = (addr(), self.wel) else {
                    self.violations
                        .push("page program without write enable or address".into());
                    return;
                };
                if t.sent.len() - 4 > PAGE {
                    self.violations
                        .push(format!("page program of {} bytes", t.sent.len() - 4));
                }
                let base = a & !(PAGE - 1);
                for (i, b) in t.sent[4..].iter().enumerate() {
                    self.data[base + (a % PAGE + i) % PAGE] &= b;
                }
                self.programs += 1;
                self.finish_write();
            }
            0x20 => {
                let (Some(a), true) = (addr(), self.wel) else {
                    self.violations
                        .push("sector erase without write enable or address".into());
                    return;
                };
                let base = a & !(SECTOR - 1);
                self.data[base..base + SECTOR].fill(0xFF);
                self.erases += 1;
                self.finish_write();
            }
            0x60 | 0xC7 => {
                if !self.wel {
                    self.violations
                        .push("chip erase without write enable".into());
                    return;
                }
                self.data.fill(0xFF);
                self.erases += 1;
                self.finish_write();
            }
            0x66 => self.reset_enabled = true,
            0x99 => {
                if reset_enabled {
                    self.wel = false;
                    self.busy_left = 0;
                } else {
                    self.violations.push("reset 0x99 without 0x66 first".into());
                }
            }
            0x9F | 0x05 | 0xAB | 0xFF => {}
            _ => self.violations.push(format!("unknown command {op:#04x}")),
        }
    }

    fn finish_write(&mut self) {
        self.wel = false;
        self.busy_left = self.busy_polls;
    }

    /// Whether a memory-mapped (auto-mode) read would see the contents now.
    pub fn readable(&self) -> Result<(), String> {
        if self.busy() {
            return Err("the flash is busy".into());
        }
        if self.current.is_some() {
            return Err("chip select is held low in manual mode".into());
        }
        Ok(())
    }
}
