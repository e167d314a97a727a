// Run as a child process by upload-resume.test.ts: opens an engine on a data folder, adds one
// slow tus upload, prints its id and keeps going until the test SIGKILLs it.
//   node --import tsx tus-child.fixture.ts <dataDir> <sourcePath> <endpoint> <bytesPerSecond>
import { openUploadEngine } from './upload-test-kit';

const [dataDir, sourcePath, endpoint, rate] = process.argv.slice(2);
if (!dataDir || !sourcePath || !endpoint || !rate) {
  process.stderr.write('usage: tus-child.fixture.ts <dataDir> <sourcePath> <endpoint> <bytesPerSecond>\n');
  process.exit(2);
}
const engine = await openUploadEngine(dataDir, { uploadLimit: Number(rate) }, { tusChunkSize: 256 * 1024 });
const view = await engine.addUpload({ sourcePath, url: endpoint, protocol: 'tus' });
process.stdout.write(`added ${view.id}\n`);
engine.on('changed', (v) => {
  if (v.state === 'failed') process.stdout.write(`failed ${v.error?.message}\n`);
});
