// The `netqoe` command line. Every command returns its exit code; errors map to DESIGN.md's codes.
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { EXIT_BAD_INPUT, EXIT_CRASHED, isUserInputError } from './exit-codes.ts';
import { createLogger } from './logger.ts';
import { netqoeVersion } from './project.ts';
import { doctorCommand } from './commands/doctor.ts';
import { fixturesLadderCommand } from './commands/fixtures.ts';
import { linkCommand } from './commands/link.ts';
import { listCommand } from './commands/list.ts';
import { reportCommand } from './commands/report.ts';
import { runCommand } from './commands/run.ts';
import { validateCommand } from './commands/validate.ts';

function parseSeed(value: string): number {
  if (!/^\d+$/.test(value)) throw new InvalidArgumentError(`expected a non-negative integer, got "${value}"`);
  return Number(value);
}

function parsePositiveInt(value: string): number {
  if (!/^[1-9]\d*$/.test(value)) throw new InvalidArgumentError(`expected a positive integer, got "${value}"`);
  return Number(value);
}

function parseList(value: string): string[] {
  const items = value.split(',').map((s) => s.trim()).filter(Boolean);
  if (!items.length) throw new InvalidArgumentError(`expected a comma-separated list, got "${value}"`);
  return items;
}

function addRunOptions(cmd: Command): Command {
  return cmd
    .option('--abr <names>', 'ABR algorithms (comma-separated names or files); replaces the scenarios\' lists', parseList)
    .option('--bwe <names>', "bandwidth estimators (comma-separated names or files, see `netqoe list algorithms`); replaces algorithms.bwe in live runs and BWE simulations", parseList)
    .option('--layer <names>', "live runs: SFU layer selectors (comma-separated names or files, see `netqoe list algorithms`); replaces the scenarios' algorithms.layer", parseList)
    .option('--ice-restart <names>', "live runs: ICE-restart policies (comma-separated names or files, see `netqoe list algorithms`); replaces the scenarios' algorithms.iceRestart", parseList)
    .option('--seed <n>', 'seed for every run (replaces the scenarios\' seeds)', parseSeed)
    .option('--out <dir>', 'where results.json, index.html and junit.xml go', 'netqoe-out')
    .option('--json', 'print results.json to stdout instead of the summary table')
    .option('--trace <file>', 'run on a capacity trace without a scenario file (Mahimahi, Sabre JSON or CSV)')
    .option('--manifest <file>', 'with --trace: a Sabre movie manifest JSON')
    .addOption(new Option('--mode <mode>', 'sim (virtual time) or live').choices(['sim', 'live']))
    .option('--score', 'live runs: score what each subscriber saw (VMAF/PSNR/SSIM per second, freezes, glass-to-glass latency; needs ffmpeg)')
    .option('--score-every <n>', "with --score: copy the pixels of every nth displayed frame (default: fewest skipped that keep the pages' copies under 10 Mpx/s in total)", parsePositiveInt)
    .option('--verbose', 'log progress as JSON (pino) on stderr');
}

export async function main(argv: string[]): Promise<number> {
  let exitCode = 0;
  const program = new Command('netqoe')
    .description('Network simulation and QoE harness for streaming and real-time video')
    .version(netqoeVersion())
    .exitOverride()
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });

  for (const [name, layout] of [['run', 'run'], ['compare', 'compare']] as const) {
    addRunOptions(
      program
        .command(`${name} [scenarios...]`)
        .description(
          name === 'run'
            ? 'run every scenario x ABR algorithm; write results.json, index.html, junit.xml'
            : 'like run, with a report that leads with the side-by-side comparison',
        ),
    ).action(async (files: string[], opts) => {
      const log = createLogger(Boolean(opts.verbose));
      exitCode = await runCommand(files, { ...opts, layout, argv }, log);
    });
  }
  program
    .command('validate <scenarios...>')
    .description('check scenario files without running them')
    .action(async (files: string[]) => {
      exitCode = await validateCommand(files);
    });
  program
    .command('list <what>')
    .description('list scenarios, algorithms or presets')
    .action((what: string) => {
      exitCode = listCommand(what);
    });
  program
    .command('doctor')
    .description('check what works here: link backends (relay, netem), namespaces, Chromium, ffmpeg, libvmaf')
    .option('--json', 'print the probe results as JSON')
    .action(async (opts: { json?: boolean }) => {
      exitCode = await doctorCommand(opts);
    });
  program
    .command('link <scenario>')
    .description("run the scenario's shaped link alone between a loopback port and HOST:PORT (put iperf3 or any app behind it); Ctrl-C writes the timeline")
    .addOption(new Option('--backend <backend>', 'relay (userspace, default) or netem (kernel; see netqoe doctor)').choices(['relay', 'netem']).default('relay'))
    .requiredOption('--listen <port>', 'UDP (and with --tcp, TCP) port on 127.0.0.1 that clients send to')
    .requiredOption('--forward <host:port>', 'where the shaped traffic goes (loopback only)')
    .option('--tcp', 'also relay TCP on the same port')
    .option('--out <dir>', 'write link-timeline.json there on exit')
    .option('--seed <n>', "seed for the link's random loss (replaces the scenario's seed)", parseSeed)
    .action(async (file: string, opts: { backend: string; listen: string; forward: string; tcp?: boolean; out?: string; seed?: number }) => {
      exitCode = await linkCommand(file, opts);
    });
  program
    .command('fixtures')
    .description('test media generated with ffmpeg and cached in .cache/fixtures')
    .command('ladder')
    .description('encode (or find cached) an HLS bitrate ladder of a reference clip, with a Sabre movie manifest of its real segment sizes')
    .option('--source <file>', 'a video file to encode instead of the 720p reference clip')
    .option('--segment <duration>', 'segment duration (one GOP)', '2s')
    .addOption(new Option('--format <format>', 'segment container').choices(['mpegts', 'fmp4']).default('mpegts'))
    .option('--preset <preset>', 'x264 preset', 'veryfast')
    .option('--out <dir>', 'copy the ladder folder there')
    .option('--json', 'print the ladder (paths, sizes, bitrates) as JSON')
    .action(async (opts: { source?: string; segment: string; format: 'mpegts' | 'fmp4'; preset: string; out?: string; json?: boolean }) => {
      exitCode = await fixturesLadderCommand(opts);
    });
  program
    .command('report <results>')
    .description('rebuild index.html and junit.xml from a results.json')
    .option('--out <dir>', 'output folder (default: beside results.json)')
    .addOption(new Option('--layout <layout>', "report layout (default: the one results.json records, 'run' if none)").choices(['run', 'compare']))
    .action((file: string, opts: { out?: string; layout?: 'run' | 'compare' }) => {
      exitCode = reportCommand(file, opts);
    });

  try {
    await program.parseAsync(argv, { from: 'user' });
    return exitCode;
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version end here with code 0; usage errors were already printed by commander.
      return err.exitCode === 0 ? 0 : EXIT_BAD_INPUT;
    }
    if (isUserInputError(err)) {
      process.stderr.write(`netqoe: ${err.message}\n`);
      return EXIT_BAD_INPUT;
    }
    process.stderr.write(`netqoe: internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    return EXIT_CRASHED;
  }
}
