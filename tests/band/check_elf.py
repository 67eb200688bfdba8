#!/usr/bin/env python3
"""Check that a band firmware ELF is laid out the way the DA1469x boot ROM
and `mb4 image build` expect: vector table at 0x16002400 (flash image at
0x2000, IVT 0x400 further on), initial SP in SysRAM, reset handler in the
image's code, nothing loadable before the vector table.

usage: check_elf.py <elf>
"""
import struct
import sys

QSPI_CACHED = (0x1600_0000, 0x1800_0000)
SYSRAM = (0x2000_0000, 0x2008_0000)
VECTOR_TABLE = 0x1600_2400
PT_LOAD = 1


def fail(msg):
    print(f"FAIL: {msg}")
    sys.exit(1)


def main(path):
    data = open(path, "rb").read()
    if data[:4] != b"\x7fELF" or data[4] != 1 or data[5] != 1:
        fail(f"{path} is not a 32-bit little-endian ELF")
    (e_type, e_machine, _, e_entry, e_phoff, _, _, _, e_phentsize, e_phnum) = struct.unpack_from(
        "<HHIIIIIHHH", data, 16)
    if e_machine != 40:
        fail(f"machine {e_machine} is not ARM (40)")
    segs = []
    for i in range(e_phnum):
        p_type, p_offset, p_vaddr, p_paddr, p_filesz, p_memsz, _, _ = struct.unpack_from(
            "<IIIIIIII", data, e_phoff + i * e_phentsize)
        if p_type == PT_LOAD and p_filesz:
            segs.append((p_paddr, p_vaddr, p_offset, p_filesz))
    if not segs:
        fail("no loadable bytes")
    lowest = min(s[0] for s in segs)
    if lowest != VECTOR_TABLE:
        fail(f"first loadable byte at {lowest:#010x}, expected the vector table at {VECTOR_TABLE:#010x}")
    vt = next(s for s in segs if s[0] == VECTOR_TABLE)
    sp, reset = struct.unpack_from("<II", data, vt[2])
    if not (SYSRAM[0] < sp <= SYSRAM[1] and sp % 8 == 0):
        fail(f"initial SP {sp:#010x} is not an 8-byte aligned SysRAM address")
    code_end = max(s[0] + s[3] for s in segs)
    if not reset & 1:
        fail(f"reset vector {reset:#010x} lacks the Thumb bit")
    if not (VECTOR_TABLE < reset & ~1 < code_end):
        fail(f"reset handler {reset:#010x} is outside the image ({VECTOR_TABLE:#010x}..{code_end:#010x})")
    if e_entry & ~1 != reset & ~1:
        fail(f"ELF entry {e_entry:#010x} is not the reset vector {reset:#010x}")
    for paddr, _, _, size in segs:
        if not QSPI_CACHED[0] <= paddr < QSPI_CACHED[1]:
            fail(f"segment loads at {paddr:#010x}, outside the QSPI flash window")
    print(f"ok: vector table {VECTOR_TABLE:#010x}, SP {sp:#010x}, reset {reset:#010x}, "
          f"{code_end - VECTOR_TABLE} bytes of flash image from the IVT")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        print(__doc__)
        sys.exit(2)
    main(sys.argv[1])
