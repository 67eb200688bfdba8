# SPDX-License-Identifier: Apache-2.0

# mb4 is the default flasher: `mb4 image build` then `mb4 flash` through any
# GDB server (J-Link GDB Server, OpenOCD, pyOCD, Black Magic Probe, or
# `mb4 emu --gdb`): `west flash --gdb-remote localhost:2331`. Its runner comes
# from this module (scripts/runners/mb4.py), which west loads in a workspace
# made with `west init -l firmware`; elsewhere pick another: `west flash -r jlink`.
#
# ezFlashCLI and J-Link need a SEGGER J-Link. ezFlashCLI writes the product
# and image headers itself; it refuses flash parts missing from its database,
# and the band's part is not known yet. J-Link is the debugger.
board_set_flasher_ifnset(mb4)
board_finalize_runner_args(mb4)
board_runner_args(ezflashcli)
board_runner_args(jlink "--device=DA14697")
include(${ZEPHYR_BASE}/boards/common/ezflashcli.board.cmake)
include(${ZEPHYR_BASE}/boards/common/jlink.board.cmake)
