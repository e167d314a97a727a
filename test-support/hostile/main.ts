// `npm run test:hostile`: attacks the whole program (crash loops, faults, full disks, lying servers,
// fuzzed input) and prints ONE table of what Ferry survived; the same table goes to
// docs/hostile-results.md with the date and machine. Exits 1 when any target is missed.
// The last line is the plain `N passed, N failed` that CI reads.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { stopStartedFerries } from '../ferry-process';
import { crashLoopGet, crashLoopTusPut, type LoopContext } from './crash-loop';
import { powerLossStorm } from './power-loss';
import { truncatedRecords } from './truncated-records';
import { networkFaults } from './faults';
import { lyingServers } from './lies';
import { diskFull } from './disk-full';
import { badInput } from './bad-input';
import { rpcAttack } from './rpc-attack';
import { credentialRedirects } from './credential-redirect';
import { rpcDoor } from './rpc-door';
import { tusLiar } from './tus-liar';
import { uploadFaults } from './upload-faults';
import { hostileNames } from './hostile-names';
import { dangerousOpens } from './dangerous-opens';
import { cookieHandoff } from './cookie-handoff';
import { partSwap } from './part-swap';
import { formatTable, machineLine, rowPassed, type HostileRow } from './report';
import { CONNECTION_COUNTS, SCALE, SEED, seededRandom } from './settings';

type Scenario = { name: string; run: (ctx: LoopContext) => Promise<HostileRow | HostileRow[]> };

const scenarios: Scenario[] = [
  ...CONNECTION_COUNTS.map((n) => ({ name: `crash loop get (${n} conn)`, run: (ctx: LoopContext) => crashLoopGet(ctx, n) })),
  { name: 'crash loop put --tus', run: crashLoopTusPut },
  { name: 'network faults', run: networkFaults },
  { name: 'upload faults', run: uploadFaults },
  { name: 'lying servers', run: lyingServers },
  { name: 'tus liar', run: tusLiar },
  { name: 'disk full', run: diskFull },
  { name: 'power loss storm', run: powerLossStorm },
  { name: 'bad input', run: badInput },
  { name: 'rpc attack', run: rpcAttack },
  { name: 'credential redirect', run: credentialRedirects },
  { name: 'rpc door', run: rpcDoor },
  { name: 'hostile names', run: hostileNames },
  { name: 'dangerous opens', run: dangerousOpens },
  { name: 'cookie hand-off', run: cookieHandoff },
  { name: 'part swap', run: partSwap },
  { name: 'truncated records', run: truncatedRecords },
];

const only = process.env.FERRY_HOSTILE_ONLY; // a substring of scenario names, for working on one

async function main(): Promise<number> {
  const random = seededRandom(SEED);
  const suiteDir = await mkdtemp(path.join(tmpdir(), 'ferry-hostile-'));
  const home = path.join(suiteDir, 'home');
  const env = { HOME: home, XDG_CACHE_HOME: path.join(home, '.cache'), FERRY_DATA_DIR: path.join(home, 'data') };
  const rows: HostileRow[] = [];
  const started = Date.now();
  try {
    for (const [i, scenario] of scenarios.entries()) {
      if (only && !scenario.name.includes(only)) continue;
      const work = await mkdtemp(path.join(suiteDir, `s${i}-`));
      process.stderr.write(`hostile: ${scenario.name} ...\n`);
      const t0 = Date.now();
      try {
        const result = await scenario.run({ work, random, env });
        rows.push(...(Array.isArray(result) ? result : [result]));
      } catch (err) {
        // The suite itself broke (a server did not start...): a failed row, not a crash of the runner.
        rows.push({ name: scenario.name, tried: 0, survived: 0, transfers: 1, bytesLost: 0, resent: null, note: `runner error: ${(err as Error).message}` });
      } finally {
        await stopStartedFerries();
        await rm(work, { recursive: true, force: true });
      }
      process.stderr.write(`hostile: ${scenario.name} done in ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);
    }
  } finally {
    await rm(suiteDir, { recursive: true, force: true });
  }
  const table = formatTable(rows);
  const where = machineLine(SCALE, SEED);
  const passed = rows.filter((r) => !r.skipped && rowPassed(r)).length;
  const failed = rows.filter((r) => !rowPassed(r)).length;
  const seconds = ((Date.now() - started) / 1000).toFixed(0);
  process.stdout.write(`\nFerry in a hostile world: ${where}, ${seconds} s\n\n${table}\n\n`);
  if (!only) {
    const doc = `# Ferry in a hostile world\n\nMeasured by \`npm run test:hostile\`: ${where}; ${seconds} s.\n` +
      'Targets: 0 bytes lost everywhere, every transfer survives, servers re-send at most 1.3x the file in crash loops (1 and 16 connections) and one-connection proxy faults; 16-connection proxy rows report re-sent bytes unjudged (behind the proxy: bytes that reached Ferry).\n\n' +
      `${table}\n`;
    await writeFile(path.resolve(import.meta.dirname, '..', '..', 'docs', 'hostile-results.md'), doc);
  }
  // Payloads and kill moments follow from the seed: a failing run says how to replay it.
  if (failed > 0) process.stdout.write(`Replay this run: FERRY_HOSTILE_SEED=${SEED} npm run test:hostile\n`);
  process.stdout.write(`${passed} passed, ${failed} failed\n`);
  return failed === 0 ? 0 : 1;
}

process.exitCode = await main();
