# SPDX-License-Identifier: Apache-2.0

# Both runners need a SEGGER J-Link. ezFlashCLI writes the product and image
# headers itself; it refuses flash parts missing from its database, and the
# band's part is not known yet. An `mb4` runner (probe and emulator) will
# follow.
board_runner_args(ezflashcli)
board_runner_args(jlink "--device=DA14697")
include(${ZEPHYR_BASE}/boards/common/ezflashcli.board.cmake)
include(${ZEPHYR_BASE}/boards/common/jlink.board.cmake)
