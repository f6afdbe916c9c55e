// The `peerwarden` command: dispatches to subcommands and prints help and version.
import { VERSION } from '../version.js';
import { processIo, type CliIo } from './io.js';
import { CLIENT_COMMANDS, runClientCommand } from './client-commands.js';
import { runDevnet } from './devnet/devnet.js';
import { runNodeCommand } from './node-command.js';
import { runWatch } from './watch.js';

export type { CliIo };

interface Command {
  summary: string;
  run(argv: string[], io: CliIo): Promise<number>;
}

const COMMANDS: Record<string, Command> = {
  node: { summary: 'run a node: keep it well connected and serve its API and dashboard', run: (a, io) => runNodeCommand(a, io, 'node') },
  hub: { summary: 'run a hub that introduces peers to each other', run: (a, io) => runNodeCommand(a, io, 'hub') },
  devnet: { summary: 'start N nodes on this machine and watch them find each other', run: runDevnet },
  watch: { summary: "track a cardano-node's peers from its log and sockets", run: runWatch },
  ...Object.fromEntries(
    Object.entries(CLIENT_COMMANDS).map(([name, summary]) => [name, { summary, run: (a: string[], io: CliIo) => runClientCommand(name, a, io) }]),
  ),
};

function help(): string {
  const w = Math.max(...Object.keys(COMMANDS).map((c) => c.length));
  const rows = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(w)}  ${c.summary}`);
  return `peerwarden ${VERSION} — peer management for peer-to-peer nodes

Usage: peerwarden <command> [options]     (peerwarden <command> --help for details)

Commands:
${rows.join('\n')}

Options:
  -h, --help     show this help
  -v, --version  print the version
`;
}

/** Runs the CLI with `argv` (without node and script) and resolves to the process exit code. */
export async function main(argv: string[], io: CliIo = processIo): Promise<number> {
  const [cmd, ...rest] = argv;
  if (cmd === undefined || cmd === 'help' || cmd === '--help' || cmd === '-h') {
    io.out(help());
    return 0;
  }
  if (cmd === '--version' || cmd === '-v' || cmd === 'version') {
    io.out(`${VERSION}\n`);
    return 0;
  }
  const command = COMMANDS[cmd];
  if (!command) {
    io.err(`peerwarden: unknown command "${cmd}". Run "peerwarden --help" for the list of commands.\n`);
    return 2;
  }
  return command.run(rest, io);
}
