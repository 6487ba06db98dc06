/**
 * `mobile-mm ... --metrics`: the answer, then the calls' metrics as
 * Prometheus text (the CLI run as a child process, as in cli.node.test.ts).
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const pkg = fileURLToPath(new URL('..', import.meta.url));

function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('MOBILE_MM_')));
  return new Promise((resolve) => {
    execFile(process.execPath, ['--conditions=source', '--import', 'tsx', path.join(pkg, 'src/cli.ts'), ...args], { cwd: pkg, env, timeout: 60_000 }, (error, stdout, stderr) =>
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr }),
    );
  });
}

it('caption --metrics prints the answer, then Prometheus text with the GenAI metrics and memory gauges', async () => {
  const r = await run(['caption', path.join(pkg, 'samples/scene-0.png'), '--backend', 'wasm', '--metrics']);
  expect(r.code).toBe(0);
  const [answer, ...rest] = r.stdout.split('\n');
  expect(answer.length).toBeGreaterThan(0);
  expect(answer.startsWith('#')).toBe(false);
  const text = rest.join('\n');
  expect(text).toContain('# TYPE gen_ai_client_operation_duration histogram');
  expect(text).toMatch(/gen_ai_client_operation_duration_count\{[^}]*mobile_mm_task="caption",mobile_mm_backend="wasm"[^}]*\} 1\n/);
  expect(text).toMatch(/gen_ai_client_token_usage_sum\{[^}]*gen_ai_token_type="output"[^}]*\} [1-9]/);
  expect(text).toMatch(/mobile_mm_tensor_count\{mobile_mm_backend="wasm"[^}]*\} [1-9]/);
  expect(text).toMatch(/process_memory_usage\{[^}]*\} [1-9]/);
  expect(text).not.toContain('scene-0.png'); // no content
});
