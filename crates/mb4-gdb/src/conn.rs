//! A buffered TCP connection for gdbstub. gdbstub hands the connection one
//! byte at a time; unbuffered, that is one system call per byte, which would
//! cap a flash dump over the stub at a few hundred KiB/s.

use gdbstub::conn::{Connection, ConnectionExt};
use std::io::{self, Read, Write};
use std::net::TcpStream;

/// A TCP stream with a read buffer and a write buffer flushed when gdbstub
/// finishes a packet.
#[derive(Debug)]
pub struct BufferedTcp {
    stream: TcpStream,
    inbox: Vec<u8>,
    next: usize,
    outbox: Vec<u8>,
}

impl BufferedTcp {
    pub fn new(stream: TcpStream) -> io::Result<BufferedTcp> {
        stream.set_nodelay(true)?;
        Ok(BufferedTcp {
            stream,
            inbox: Vec::with_capacity(4096),
            next: 0,
            outbox: Vec::with_capacity(4096),
        })
    }

    /// Fills the read buffer; `block` says whether to wait for data.
    /// Returns whether there is data.
    fn fill(&mut self, block: bool) -> io::Result<bool> {
        if self.next < self.inbox.len() {
            return Ok(true);
        }
        self.stream.set_nonblocking(!block)?;
        self.inbox.resize(4096, 0);
        self.next = 0;
        let got = Read::read(&mut self.stream, &mut self.inbox);
        if !block {
            self.stream.set_nonblocking(false)?;
        }
        match got {
            Ok(0) => {
                self.inbox.clear();
                Err(io::Error::new(
                    io::ErrorKind::UnexpectedEof,
                    "the debugger closed the connection",
                ))
            }
            Ok(n) => {
                self.inbox.truncate(n);
                Ok(true)
            }
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                self.inbox.clear();
                Ok(false)
            }
            Err(e) => {
                self.inbox.clear();
                Err(e)
            }
        }
    }
}

impl Connection for BufferedTcp {
    type Error = io::Error;

    fn write(&mut self, byte: u8) -> io::Result<()> {
        self.outbox.push(byte);
        Ok(())
    }

    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        self.outbox.extend_from_slice(buf);
        Ok(())
    }

    fn flush(&mut self) -> io::Result<()> {
        Write::write_all(&mut self.stream, &self.outbox)?;
        self.outbox.clear();
        Write::flush(&mut self.stream)
    }
}

impl ConnectionExt for BufferedTcp {
    fn read(&mut self) -> io::Result<u8> {
        // Whatever gdbstub queued must be out before we wait for an answer.
        if !self.outbox.is_empty() {
            Connection::flush(self)?;
        }
        self.fill(true)?;
        let b = self.inbox[self.next];
        self.next += 1;
        Ok(b)
    }

    fn peek(&mut self) -> io::Result<Option<u8>> {
        if !self.outbox.is_empty() {
            Connection::flush(self)?;
        }
        Ok(self.fill(false)?.then(|| self.inbox[self.next]))
    }
}
