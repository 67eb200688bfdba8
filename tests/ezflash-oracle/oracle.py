"""Compare `mb4 image build` byte for byte with ezFlashCLI's DA1469x builders.

ezFlashCLI's device classes open a SEGGER J-Link in their constructor. The
header builders need none of it, so this test replaces the J-Link wrapper
module with a stub that refuses to be used, and makes device objects without
running the constructor. ezFlashCLI itself is not modified.

For every DA1469x flash part both tools know, and several image addresses:
  * product header (0x0 and its copy at 0x1000): identical;
  * image header: identical except the version (10..26) and timestamp (26..30)
    fields, which ezFlashCLI fills with its own name and time; and fully
    identical when mb4 is given the same version and timestamp;
  * the payload follows the 0xFF-padded header at the image address.

Prints 'N passed, N failed' and exits non-zero on any difference.
"""

import json
import os
import subprocess
import sys
import tempfile
import types

MB4 = sys.argv[1]

# Stub out the J-Link wrapper before ezFlashCLI's device module imports it.
stub = types.ModuleType("ezFlashCLI.ezFlash.pyjlink")


class _NoJLink:
    def __init__(self, *args, **kwargs):
        raise RuntimeError("the ezFlashCLI oracle must not touch a J-Link")


stub.pyjlink = _NoJLink
sys.modules["ezFlashCLI.ezFlash.pyjlink"] = stub

import ezFlashCLI  # noqa: E402
from ezFlashCLI.ezFlash.smartbond import smartbondDevices  # noqa: E402

device = object.__new__(smartbondDevices.da1469x)  # no J-Link constructor

with open(os.path.join(os.path.dirname(ezFlashCLI.__file__), "flash_database.json")) as f:
    database = {p["name"]: p for p in json.load(f)["flash_configurations"]}

listed = subprocess.run([MB4, "image", "flash-parts", "--json"], check=True, capture_output=True, text=True)
mb4_parts = {p["name"]: p for p in json.loads(listed.stdout)}

# A synthetic payload: vector table (SP, reset handler) and some "code".
payload = (0x20080000).to_bytes(4, "little") + (0x16002501).to_bytes(4, "little")
payload += bytes((i * 31 + 7) & 0xFF for i in range(1000))

VERSION = slice(10, 26)
TIMESTAMP = slice(26, 30)
passed = failed = 0


def check(name, ok, detail=""):
    global passed, failed
    if ok:
        passed += 1
    else:
        failed += 1
        print(f"FAIL {name} {detail}")


def mb4_build(workdir, *args):
    src = os.path.join(workdir, "app.bin")
    out = os.path.join(workdir, "out.bin")
    with open(src, "wb") as f:
        f.write(payload)
    subprocess.run([MB4, "image", "build", src, "-o", out, *args], check=True, capture_output=True)
    with open(out, "rb") as f:
        return f.read()


def first_diff(a, b):
    for i, (x, y) in enumerate(zip(a, b)):
        if x != y:
            return f"first difference at {i:#x}: mb4 {x:#04x}, ezFlashCLI {y:#04x}"
    return f"lengths {len(a):#x} vs {len(b):#x}"


with tempfile.TemporaryDirectory() as work:
    # The image header on its own.
    ours = mb4_build(work, "--image-only", "--version", "mb4-oracle", "--timestamp", "1234567890")
    theirs = device.make_image_header(payload)
    theirs += b"\xff" * (device.IMG_IVT_OFFSET - len(theirs)) + payload
    masked = lambda b: b[: VERSION.start] + b[TIMESTAMP.stop :]  # noqa: E731
    check("image header (except version and timestamp)", masked(ours) == masked(theirs), first_diff(masked(ours), masked(theirs)))
    same = mb4_build(
        work,
        "--image-only",
        "--version",
        theirs[VERSION].rstrip(b"\0").decode(),
        "--timestamp",
        str(int.from_bytes(theirs[TIMESTAMP], "little")),
    )
    check("image header with ezFlashCLI's version and timestamp", same == theirs, first_diff(same, theirs))

    compared = []
    for name, entry in database.items():
        if name not in mb4_parts or "flash_burstcmda_reg_value" not in entry:
            continue  # DA1459x eflash and the SPI parts of other chip families
        size = int(mb4_parts[name]["size"])
        compared.append(name)
        for active, update in [(0x2000, None), (0x3000, None), (0x40000, None), (0x43000, 0x2000), (0x802000, None)]:
            if active + 0x400 + len(payload) > size:
                continue
            args = ["--flash", name, "--active", hex(active)]
            if update is not None:
                args += ["--update", hex(update)]
            label = f"{name} active={active:#x} update={(update or active):#x}"
            flash = mb4_build(work, *args)
            ph = device.make_product_header(entry, active, update if update is not None else active)
            check(f"{label}: product header at 0x0", flash[:0x1000] == ph, first_diff(flash[:0x1000], ph))
            check(f"{label}: product header copy at 0x1000", flash[0x1000:0x2000] == ph, first_diff(flash[0x1000:0x2000], ph))
            image = flash[active:]
            ih = device.make_image_header(payload)
            ih += b"\xff" * (device.IMG_IVT_OFFSET - len(ih))
            check(
                f"{label}: image header and payload (except version and timestamp)",
                masked(image) == masked(ih + payload),
                first_diff(masked(image), masked(ih + payload)),
            )
            check(f"{label}: erased gap before the image", flash[0x2000:active] == b"\xff" * (active - 0x2000))

    print(f"compared {len(compared)} flash parts: {', '.join(compared)}")
    check("every DA1469x part of ezFlashCLI is compared", len(compared) >= 18, f"only {len(compared)}")

print(f"{passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
