// Runs worker.ts from the sources (tests): registers tsx in this worker thread first.
// The worker's execArgv adds --conditions=source so the workspace packages resolve to their sources.
import { register } from 'tsx/esm/api';

register();
await import('./worker.ts');
