/**
 * A job runner in its own process, for the restart test: opens the embedded database in argv[2], starts the job
 * in argv[3] against the emulator at argv[4], and runs until it is killed (SIGKILL, mid-job).
 */
import { bulkJobsRepository } from '../../../db/bulk-jobs';
import { openDatabase } from '../../../db/database';
import { DatabaseJobStore } from '../../../db/job-store';
import { JobRunner } from '../runner';
import { emulatorOps } from './fixtures';

const [dataDir, jobId, url] = process.argv.slice(2) as [string, string, string];
const database = await openDatabase({ driver: 'pglite', dataDir });
const store = await DatabaseJobStore.open(bulkJobsRepository(database.db));
const runner = new JobRunner({ store, aws: emulatorOps(url), beforeCall: (key) => store.ready(key) });
runner.start(jobId);
console.log('started');
await runner.idle(jobId);
await store.flush();
console.log('finished');
await database.close();
