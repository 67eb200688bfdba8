//! Little-endian reads that report truncation instead of panicking.

use crate::HeaderError;

/// A cursor over a byte slice; every read names what it was reading, so a
/// short input becomes a [`HeaderError::Truncated`] with the offset.
pub(crate) struct Reader<'a> {
    data: &'a [u8],
    pos: usize,
    /// Offset of `data[0]` in the file, for error messages.
    base: usize,
}

impl<'a> Reader<'a> {
    pub(crate) fn new(data: &'a [u8], base: usize) -> Self {
        Reader { data, pos: 0, base }
    }

    pub(crate) fn pos(&self) -> usize {
        self.pos
    }

    /// Offset in the file of the next byte.
    pub(crate) fn file_offset(&self) -> usize {
        self.base + self.pos
    }

    pub(crate) fn take(&mut self, n: usize, what: &'static str) -> Result<&'a [u8], HeaderError> {
        let end = self.pos.checked_add(n).filter(|&e| e <= self.data.len());
        match end {
            Some(end) => {
                let s = &self.data[self.pos..end];
                self.pos = end;
                Ok(s)
            }
            None => Err(HeaderError::Truncated {
                what,
                offset: self.file_offset(),
                needed: n,
                available: self.data.len() - self.pos,
            }),
        }
    }

    pub(crate) fn peek_u16(&self) -> Option<u16> {
        let b = self.data.get(self.pos..self.pos + 2)?;
        Some(u16::from_le_bytes([b[0], b[1]]))
    }

    pub(crate) fn u8(&mut self, what: &'static str) -> Result<u8, HeaderError> {
        Ok(self.take(1, what)?[0])
    }

    pub(crate) fn u16(&mut self, what: &'static str) -> Result<u16, HeaderError> {
        let b = self.take(2, what)?;
        Ok(u16::from_le_bytes([b[0], b[1]]))
    }

    pub(crate) fn u32(&mut self, what: &'static str) -> Result<u32, HeaderError> {
        let b = self.take(4, what)?;
        Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }

    pub(crate) fn array<const N: usize>(
        &mut self,
        what: &'static str,
    ) -> Result<[u8; N], HeaderError> {
        let b = self.take(N, what)?;
        let mut out = [0u8; N];
        out.copy_from_slice(b);
        Ok(out)
    }
}
