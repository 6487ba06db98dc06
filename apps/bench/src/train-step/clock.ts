/**
 * Wall time and this process's CPU time around a synchronous-enough body.
 *
 * The dev machines are two shared cores; when other work runs, wall time of
 * a single-threaded wasm/cpu kernel stretches with the load while its CPU
 * time (user + system, all threads of this process) mostly does not. Both
 * are reported: wall is what a user waits, CPU time is what the code costs.
 */
export interface Sample {
  wallMs: number;
  cpuMs: number;
}

export async function measure(body: () => unknown): Promise<Sample> {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  await body();
  const wallMs = performance.now() - t0;
  const c = process.cpuUsage(c0);
  return { wallMs, cpuMs: (c.user + c.system) / 1000 };
}
