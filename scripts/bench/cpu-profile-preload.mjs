// Loaded with NODE_OPTIONS=--import (node 20 refuses --cpu-prof there): profiles the process's main
// thread while asked to. Each SIGUSR2 toggles the profiler: the first starts it, the next one writes
// `<CPU_PROFILE_DIR>/<pid>-<n>.cpuprofile`, and so on (a profile still running is written at exit). The
// in-process inspector answers synchronously, so a profile can be written from the 'exit' handler.
import fs from 'node:fs';
import { Session } from 'node:inspector';
import path from 'node:path';

const dir = process.env.CPU_PROFILE_DIR;
if (dir) {
  const session = new Session();
  session.connect();
  session.post('Profiler.setSamplingInterval', { interval: Number(process.env.CPU_PROFILE_INTERVAL_US ?? 250) });
  session.post('Profiler.enable');
  let running = false;
  let n = 0;
  const stop = () => {
    running = false;
    session.post('Profiler.stop', (err, result) => {
      if (!err) fs.writeFileSync(path.join(dir, `${process.pid}-${++n}.cpuprofile`), JSON.stringify(result.profile));
    });
  };
  process.on('SIGUSR2', () => {
    if (running) return stop();
    running = true;
    session.post('Profiler.start');
  });
  process.on('exit', () => running && stop());
}
