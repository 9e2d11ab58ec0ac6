import 'server-only';

import { bulkIotOps } from '../aws/bulk';
import { JobRunner } from './runner';
import { JobStore } from './store';

/**
 * The dashboard server's one job runner and store (under `<DASHBOARD_DATA_DIR or .data/dashboard>/jobs`), on
 * globalThis so every route bundle of the Next server shares it (two stores on one journal would corrupt it).
 * Opened on first use: the first request to /bulk or /api/jobs after a restart resumes every unfinished job.
 */
const KEY = Symbol.for('iot-dashboard.job-runner');

type Holder = { [KEY]?: JobRunner };

export function jobRunner(): JobRunner {
  const g = globalThis as Holder;
  let runner = g[KEY];
  if (!runner) {
    const store = new JobStore(JobStore.dirFor());
    runner = new JobRunner({ store, aws: bulkIotOps() });
    g[KEY] = runner;
    runner.resumeAll();
  }
  return runner;
}
