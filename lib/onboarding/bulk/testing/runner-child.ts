/**
 * A job runner in its own process, for the restart test: opens the job store in argv[2], starts the job in
 * argv[3] against the emulator at argv[4], and runs until it is killed (SIGKILL, mid-job).
 */
import { JobRunner } from '../runner';
import { JournalJobStore } from '../store';
import { emulatorOps } from './fixtures';

const [dir, jobId, url] = process.argv.slice(2) as [string, string, string];
const store = new JournalJobStore(dir);
const runner = new JobRunner({ store, aws: emulatorOps(url) });
runner.start(jobId);
console.log('started');
await runner.idle(jobId);
console.log('finished');
store.close();
