# SPDX-License-Identifier: Apache-2.0
'''west flash runner for the Mi Band 4 through the mb4 tool.

`west flash` with this runner turns zephyr.elf into a flash image the
DA14697's boot ROM accepts (`mb4 image build`), then writes it with
`mb4 flash` through a GDB server in front of any SWD probe: J-Link GDB
Server, OpenOCD, pyOCD, a Black Magic Probe, or mb4's own emulator
(`mb4 emu run ... --gdb PORT`). mb4 refuses to write a band it holds no
verified backup of (`mb4 dump` makes one); `--i-have-a-backup` overrides.

The runner is loaded by west from this module's zephyr/module.yml, which
west reads when the workspace was made with `west init -l firmware`.
'''

import os
import shlex

from runners.core import RunnerCaps, ZephyrBinaryRunner

DEFAULT_MB4 = 'mb4'


class Mb4BinaryRunner(ZephyrBinaryRunner):
    '''Runner front-end for mb4 (image build + flash over a GDB server).'''

    def __init__(self, cfg, mb4=DEFAULT_MB4, gdb=None, gdb_server=None,
                 i_have_a_backup=False, reset=True, tool_opt=None):
        super().__init__(cfg)
        self.mb4 = mb4
        self.gdb_remote = gdb
        self.gdb_server = gdb_server
        self.i_have_a_backup = i_have_a_backup
        self.reset = reset
        self.tool_opt = []
        for opt in tool_opt or []:
            self.tool_opt += shlex.split(opt)

    @classmethod
    def name(cls):
        return 'mb4'

    @classmethod
    def capabilities(cls):
        return RunnerCaps(commands={'flash'}, reset=True, tool_opt=True)

    @classmethod
    def tool_opt_help(cls) -> str:
        return "More options for `mb4 flash`, e.g. '--timeout 10'"

    @classmethod
    def do_add_parser(cls, parser):
        parser.add_argument('--mb4', default=os.environ.get('MB4', DEFAULT_MB4),
                            help='the mb4 program (default: $MB4, else mb4 on PATH)')
        parser.add_argument('--gdb-remote', dest='gdb_remote', metavar='HOST:PORT',
                            default=os.environ.get('MB4_GDB'),
                            help='''the GDB server in front of the probe
                            (default: $MB4_GDB): J-Link GDB Server :2331,
                            OpenOCD or pyOCD :3333, `mb4 emu --gdb PORT`''')
        parser.add_argument('--gdb-server', metavar='KIND',
                            help='''which server it is, if mb4 guesses wrong:
                            openocd, jlink, pyocd, bmp, mb4-emu''')
        parser.add_argument('--i-have-a-backup', action='store_true',
                            help='''write even though mb4 holds no verified
                            backup of this band (make one with `mb4 dump`)''')
        parser.set_defaults(reset=True)

    @classmethod
    def do_create(cls, cfg, args):
        return Mb4BinaryRunner(cfg, mb4=args.mb4, gdb=args.gdb_remote,
                               gdb_server=args.gdb_server,
                               i_have_a_backup=args.i_have_a_backup,
                               reset=args.reset, tool_opt=args.tool_opt)

    def do_run(self, command, **kwargs):
        self.require(self.mb4)
        if self.build_conf.getboolean('CONFIG_BOOTLOADER_MCUBOOT'):
            raise RuntimeError(
                'this build runs from an MCUboot slot; the mb4 runner writes '
                'images the boot ROM starts (MCUboot itself, or an app built '
                'without it)')
        elf = self.cfg.elf_file
        if elf is None or not os.path.isfile(elf):
            raise RuntimeError(f'no zephyr.elf to flash (looked for {elf})')
        if not self.gdb_remote:
            raise RuntimeError(
                'say which GDB server to use: --gdb-remote HOST:PORT (or set '
                'MB4_GDB), e.g. localhost:2331 for J-Link GDB Server')

        image = os.path.join(self.cfg.build_dir, 'zephyr', 'mb4-flash.bin')
        self.logger.info(f'making the flash image {image}')
        self.check_call([self.mb4, 'image', 'build', elf, '-o', image])

        cmd = [self.mb4, 'flash', image, '--gdb', self.gdb_remote]
        if self.gdb_server:
            cmd += ['--gdb-server', self.gdb_server]
        if self.i_have_a_backup:
            cmd.append('--i-have-a-backup')
        if not self.reset:
            cmd.append('--no-reset')
        self.logger.info(f'writing it through {self.gdb_remote}')
        self.check_call(cmd + self.tool_opt)
