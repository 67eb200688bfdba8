//! SysTick: a 24-bit down counter, computed from the cycle count rather than
//! decremented per instruction. The run loop stops at `next_fire`.

pub const CSR_ENABLE: u32 = 1;
pub const CSR_TICKINT: u32 = 2;
pub const CSR_CLKSOURCE: u32 = 4;
pub const CSR_COUNTFLAG: u32 = 1 << 16;

#[derive(Debug, Clone, Default)]
pub struct SysTick {
    pub csr: u32,
    pub rvr: u32,
    /// Counter value at `base` (when not enabled: the frozen value).
    pub cvr_at_base: u32,
    /// Cycle at which the counter had `cvr_at_base`.
    pub base: u64,
    /// Cycle of the next 1 -> 0 transition, when enabled.
    pub next_fire: Option<u64>,
    /// Processor cycles per tick (1, or the external reference divider).
    pub divider: u64,
    pub ext_divider: u64,
}

impl SysTick {
    pub fn new(ext_divider: u32) -> SysTick {
        SysTick {
            divider: u64::from(ext_divider.max(1)),
            ext_divider: u64::from(ext_divider.max(1)),
            ..Default::default()
        }
    }

    fn ticks_since_base(&self, now: u64) -> u64 {
        now.saturating_sub(self.base) / self.divider
    }

    /// The counter value at cycle `now`.
    pub fn current(&self, now: u64) -> u32 {
        if self.csr & CSR_ENABLE == 0 {
            return self.cvr_at_base;
        }
        let k = self.ticks_since_base(now);
        let c0 = u64::from(self.cvr_at_base);
        if k <= c0 {
            return (c0 - k) as u32;
        }
        if self.rvr == 0 {
            return 0;
        }
        let period = u64::from(self.rvr) + 1;
        (u64::from(self.rvr) - ((k - c0 - 1) % period)) as u32
    }

    /// Re-bases the counter at `now` with value `value` and recomputes the next fire.
    pub fn rebase(&mut self, now: u64, value: u32) {
        self.base = now;
        self.cvr_at_base = value & 0x00ff_ffff;
        self.divider = if self.csr & CSR_CLKSOURCE != 0 {
            1
        } else {
            self.ext_divider
        };
        self.next_fire = None;
        if self.csr & CSR_ENABLE == 0 {
            return;
        }
        let ticks = if self.cvr_at_base > 0 {
            u64::from(self.cvr_at_base)
        } else if self.rvr > 0 {
            u64::from(self.rvr) + 1
        } else {
            return;
        };
        self.next_fire = Some(now + ticks * self.divider);
    }

    /// Handles the 1 -> 0 transition at `now` (== next_fire). Returns whether to
    /// pend the SysTick exception.
    pub fn fire(&mut self, now: u64) -> bool {
        self.csr |= CSR_COUNTFLAG;
        self.rebase(now, 0);
        self.csr & CSR_TICKINT != 0
    }

    pub fn read_csr(&mut self) -> u32 {
        let v = self.csr;
        self.csr &= !CSR_COUNTFLAG;
        v
    }

    pub fn write_csr(&mut self, now: u64, value: u32) {
        let cur = self.current(now);
        self.csr = (self.csr & CSR_COUNTFLAG) | (value & 7);
        self.rebase(now, cur);
    }

    pub fn write_rvr(&mut self, now: u64, value: u32) {
        let cur = self.current(now);
        self.rvr = value & 0x00ff_ffff;
        self.rebase(now, cur);
    }

    /// Any write to CVR clears it and COUNTFLAG.
    pub fn write_cvr(&mut self, now: u64) {
        self.csr &= !CSR_COUNTFLAG;
        self.rebase(now, 0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_down_and_reloads() {
        let mut t = SysTick::new(1);
        t.write_rvr(0, 9);
        t.write_cvr(0);
        t.write_csr(0, CSR_ENABLE | CSR_TICKINT | CSR_CLKSOURCE);
        // value 0 at enable: the first tick reloads 9; reaches 0 after 10 ticks.
        assert_eq!(t.current(1), 9);
        assert_eq!(t.current(5), 5);
        assert_eq!(t.next_fire, Some(10));
        assert!(t.fire(10));
        assert_eq!(t.current(11), 9);
        assert_eq!(t.next_fire, Some(20));
        assert_ne!(t.read_csr() & CSR_COUNTFLAG, 0);
        assert_eq!(t.read_csr() & CSR_COUNTFLAG, 0);
    }
}
