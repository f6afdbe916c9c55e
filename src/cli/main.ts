// The `peerwarden` command: dispatches to subcommands (loaded on demand, so clients start fast) and prints help and version.
import { VERSION } from '../version.js';
import { processIo, type CliIo } from './io.js';

export type { CliIo };

interface Command {
  summary: string;
  run(argv: string[], io: CliIo): Promise<number>;
}

const client = (name: string, summary: string): Command => ({
  summary,
  run: async (argv, io) => (await import('./client-commands.js')).runClientCommand(name, argv, io),
});

const COMMANDS: Record<string, Command> = {
  node: {
    summary: 'run a node: keep it well connected and serve its API and dashboard',
    run: async (argv, io) => (await import('./node-command.js')).runNodeCommand(argv, io, 'node'),
  },
  hub: {
    summary: 'run a hub that introduces peers to each other',
    run: async (argv, io) => (await import('./node-command.js')).runNodeCommand(argv, io, 'hub'),
  },
  devnet: {
    summary: 'start N nodes on this machine and watch them find each other',
    run: async (argv, io) => (await import('./devnet/devnet.js')).runDevnet(argv, io),
  },
  watch: {
    summary: "track a cardano-node's peers from its log and sockets",
    run: async (argv, io) => (await import('./watch.js')).runWatch(argv, io),
  },
  sim: {
    summary: 'simulate many nodes on a virtual clock (bootstrap, churn, partition, eclipse, sybil)',
    run: async (argv, io) => (await import('./sim.js')).runSim(argv, io),
  },
  status: client('status', "the node's identity, health and peer counts against its targets"),
  peers: client('peers', 'connected peers: direction, temperature, score, round trip, traffic'),
  bans: client('bans', 'active bans'),
  ban: client('ban', 'ban a node id, an IP or a subnet (default: until unbanned)'),
  unban: client('unban', 'lift a ban'),
  connect: client('connect', 'connect to a peer now (with --static, keep it connected)'),
  disconnect: client('disconnect', 'close the connection to a peer'),
  explain: client('explain', "a peer's history: where it was learned, each dial, promotion, demotion, penalty and ban, with reasons"),
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
