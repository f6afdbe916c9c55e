// The `peerwarden` command: dispatches to subcommands and prints help and version.
import { VERSION } from '../version.js';

const HELP = `peerwarden ${VERSION} — peer management for peer-to-peer nodes

Usage: peerwarden <command> [options]

Commands:
  help                 show this help

Options:
  -h, --help           show this help
  -v, --version        print the version
`;

export interface CliIo {
  out(text: string): void;
  err(text: string): void;
}

const processIo: CliIo = {
  out: (t) => process.stdout.write(t),
  err: (t) => process.stderr.write(t),
};

/** Runs the CLI with `argv` (without node and script) and resolves to the process exit code. */
export async function main(argv: string[], io: CliIo = processIo): Promise<number> {
  const [cmd] = argv;
  if (cmd === undefined || cmd === 'help' || cmd === '--help' || cmd === '-h') {
    io.out(HELP);
    return 0;
  }
  if (cmd === '--version' || cmd === '-v' || cmd === 'version') {
    io.out(`${VERSION}\n`);
    return 0;
  }
  io.err(`peerwarden: unknown command "${cmd}". Run "peerwarden --help" for the list of commands.\n`);
  return 2;
}
