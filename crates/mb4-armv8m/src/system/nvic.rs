//! Exception state for every exception number: pending, active, enabled and
//! priority (the NVIC for IRQs, the SCB's SHPR/SHCSR for system exceptions).

/// Pending/active/enabled bits and priorities, indexed by exception number.
#[derive(Debug, Clone)]
pub struct Nvic {
    /// Number of exception numbers (16 + IRQ count).
    pub count: u32,
    pub pending: Vec<bool>,
    pub active: Vec<bool>,
    /// For IRQs: NVIC_ISER. For MemManage/BusFault/UsageFault: SHCSR enables.
    /// Always true for the others.
    pub enabled: Vec<bool>,
    /// The 8-bit priority fields as written (only implemented bits kept).
    pub prio: Vec<u8>,
    /// Mask of implemented priority bits (e.g. 0xe0 for 3 bits).
    pub prio_mask: u8,
}

impl Nvic {
    pub fn new(num_irq: u32, prio_bits: u8) -> Nvic {
        let count = 16 + num_irq;
        let n = count as usize;
        let mut enabled = vec![false; n];
        for e in [1usize, 2, 3, 11, 12, 14, 15] {
            enabled[e] = true;
        }
        Nvic {
            count,
            pending: vec![false; n],
            active: vec![false; n],
            enabled,
            prio: vec![0; n],
            prio_mask: (0xff00u16 >> prio_bits.clamp(1, 8)) as u8,
        }
    }

    pub fn set_pending(&mut self, e: u32) {
        if let Some(p) = self.pending.get_mut(e as usize) {
            *p = true;
        }
    }

    pub fn is_pending(&self, e: u32) -> bool {
        self.pending.get(e as usize).copied().unwrap_or(false)
    }

    /// Raw priority of an exception: the fixed negative ones, or the field.
    pub fn raw_priority(&self, e: u32) -> i32 {
        match e {
            1 => -4,
            2 => -2,
            3 => -1,
            _ => i32::from(self.prio[e as usize]),
        }
    }

    /// Number of active exceptions (for RETTOBASE).
    pub fn active_count(&self) -> usize {
        self.active.iter().filter(|&&a| a).count()
    }
}
