// The `peerwarden` command: dispatches to subcommands (loaded on demand, so clients start fast) and prints help and version.
import { VERSION } from '../version.js';
import { didYouMean, helpColumns } from './args.js';
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
    summary: 'simulate many nodes on a virtual clock (bootstrap, churn, partition, eclipse, sybil, eclipse-study)',
    run: async (argv, io) => (await import('./sim.js')).runSim(argv, io),
  },
  fleet: {
    summary: 'one page (and `fleet status`) for several nodes: their graph, health and peers',
    run: async (argv, io) => (await import('./fleet/fleet.js')).runFleet(argv, io),
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
  return `peerwarden ${VERSION} — peer management for peer-to-peer nodes

Usage: peerwarden <command> [options]     (peerwarden <command> --help for details)

Commands:
${helpColumns(Object.entries(COMMANDS).map(([name, c]) => [name, c.summary]))}

Options:
${helpColumns([
  ['-h, --help', 'show this help'],
  ['-v, --version', 'print the version'],
])}
`;
}

/** Runs the CLI with `argv` (without node and script) and resolves to the process exit code. */
export async function main(argv: string[], io: CliIo = processIo): Promise<number> {
  const [cmd, ...rest] = argv;
  // Like git: no command is a usage error (the usage goes to stderr, exit 2); --help is not.
  if (cmd === undefined) {
    io.err(help());
    return 2;
  }
  if (cmd === 'help' || cmd === '--help' || cmd === '-h') {
    const topic = rest[0] !== undefined ? COMMANDS[rest[0]] : undefined;
    if (topic) return topic.run(['--help'], io);
    io.out(help());
    return 0;
  }
  if (cmd === '--version' || cmd === '-v' || cmd === 'version') {
    io.out(`${VERSION}\n`);
    return 0;
  }
  const command = Object.hasOwn(COMMANDS, cmd) ? COMMANDS[cmd] : undefined;
  if (!command) {
    const near = didYouMean(cmd.replace(/^-+/, ''), Object.keys(COMMANDS));
    const what = cmd.startsWith('-') ? `unknown option ${cmd}` : `unknown command "${cmd}"`;
    io.err(`peerwarden: ${what}${near ? ` (did you mean "${near}"?)` : ''}; run "peerwarden --help" for the commands\n`);
    return 2;
  }
  return command.run(rest, io);
}
