/**
 * Runs a Dockerfile's build steps without a container engine (none can pull
 * a base image here): each stage is a folder; FROM <earlier stage> starts as
 * a copy of it (hard links), FROM <image> as an empty one whose tools are the
 * host's (Node 20, npm, sh); COPY from the build context honours
 * .dockerignore; RUN runs `sh -c` in the stage's WORKDIR with the stage's
 * ENV. What a real build adds (the image's own files, its user database) is
 * not exercised; what the Dockerfile itself does is.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';

export interface Stage {
  name: string | null;
  root: string;
  workdir: string;
  env: Record<string, string>;
  user: string | null;
  cmd: string[] | null;
  healthcheck: string[] | null;
}

/** Instructions with continuation lines joined and comments dropped. */
export function instructions(text: string): { op: string; args: string }[] {
  const out: { op: string; args: string }[] = [];
  let buf = '';
  for (const raw of text.split('\n')) {
    const line = raw.trimEnd();
    if (buf === '' && (line.trim() === '' || line.trimStart().startsWith('#'))) continue;
    if (line.endsWith('\\')) {
      buf += `${line.slice(0, -1)} `;
      continue;
    }
    buf += line;
    const m = /^\s*([A-Z]+)\s+([\s\S]*)$/.exec(buf);
    if (m === null) throw new Error(`not an instruction: ${buf}`);
    out.push({ op: m[1], args: m[2].trim() });
    buf = '';
  }
  return out;
}

/** .dockerignore patterns → a matcher of context-relative paths (a match also covers everything below). */
export function ignoreMatcher(patterns: string[]): (rel: string) => boolean {
  const res = patterns.map((p) => {
    let re = '';
    const pat = p.replace(/^\/+|\/+$/g, '');
    for (let i = 0; i < pat.length; i++) {
      if (pat.startsWith('**/', i)) {
        re += '(?:.*/)?';
        i += 2;
      } else if (pat.startsWith('**', i)) {
        re += '.*';
        i += 1;
      } else if (pat[i] === '*') re += '[^/]*';
      else if (pat[i] === '?') re += '[^/]';
      else re += pat[i].replace(/[.+^${}()|[\]\\]/g, '\\$&');
    }
    return new RegExp(`^${re}(?:/.*)?$`);
  });
  return (rel) => res.some((r) => r.test(rel));
}

function copyContext(context: string, ignored: (rel: string) => boolean, dest: string): void {
  const walk = (rel: string): void => {
    for (const name of readdirSync(path.join(context, rel))) {
      const r = rel === '' ? name : `${rel}/${name}`;
      if (ignored(r)) continue;
      const st = statSync(path.join(context, r));
      if (st.isDirectory()) walk(r);
      else {
        mkdirSync(path.dirname(path.join(dest, r)), { recursive: true });
        cpSync(path.join(context, r), path.join(dest, r), { preserveTimestamps: true });
      }
    }
  };
  walk('');
}

/** `src`'s contents into `dest` as hard links (a stage is not changed in place afterwards: files are replaced or removed). */
const linkTree = (src: string, dest: string): void => void execFileSync('cp', ['-al', `${src}/.`, `${dest}/`]);
const inRoot = (s: Stage, p: string): string => path.join(s.root, path.isAbsolute(p) ? p : path.join(s.workdir, p));
const args = (s: string): string[] => (s.startsWith('[') ? (JSON.parse(s) as string[]) : ['sh', '-c', s]);

/** Builds every stage of `dockerfile` under `out`; returns the stages, the last one the image. */
export function buildStages(dockerfile: string, context: string, out: string, log: (line: string) => void = () => {}): Stage[] {
  const ignoreFile = path.join(context, '.dockerignore');
  const ignored = ignoreMatcher(
    readFileSync(ignoreFile, 'utf8')
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l !== '' && !l.startsWith('#')),
  );
  const argDefaults: Record<string, string> = {};
  const stages: Stage[] = [];
  let s: Stage | null = null;
  for (const { op, args: a } of instructions(readFileSync(dockerfile, 'utf8'))) {
    const expanded = a.replace(/\$\{(\w+)\}/g, (_m, k: string) => s?.env[k] ?? argDefaults[k] ?? '');
    if (op === 'ARG') {
      const [k, v = ''] = expanded.split('=');
      argDefaults[k] = v;
    } else if (op === 'FROM') {
      const [image, , name = null] = expanded.split(/\s+/);
      const from = stages.find((x) => x.name === image);
      const root = path.join(out, `stage-${stages.length}`);
      mkdirSync(root, { recursive: true });
      if (from) linkTree(from.root, root);
      s = { name, root, workdir: from?.workdir ?? '/', env: { ...(from?.env ?? {}) }, user: from?.user ?? null, cmd: null, healthcheck: null };
      stages.push(s);
      log(`FROM ${image}${name ? ` AS ${name}` : ''}`);
    } else if (s === null) throw new Error(`${op} before FROM`);
    else if (op === 'WORKDIR') {
      s.workdir = expanded;
      mkdirSync(inRoot(s, '.'), { recursive: true });
    } else if (op === 'ENV') {
      for (const m of expanded.matchAll(/(\w+)=("[^"]*"|\S+)/g)) s.env[m[1]] = m[2].replace(/^"|"$/g, '');
    } else if (op === 'COPY') {
      const parts = expanded.split(/\s+/);
      const fromFlag = parts.find((p) => p.startsWith('--from='));
      const [src, dest] = parts.filter((p) => !p.startsWith('--'));
      if (fromFlag) {
        const from = stages.find((x) => x.name === fromFlag.slice('--from='.length))!;
        mkdirSync(inRoot(s, dest), { recursive: true });
        linkTree(path.join(from.root, src), inRoot(s, dest));
      } else if (src === '.') copyContext(context, ignored, inRoot(s, dest));
      else throw new Error(`COPY ${src}: only "COPY . <dest>" from the context is supported here`);
      log(`COPY ${expanded}`);
    } else if (op === 'RUN') {
      log(`RUN ${expanded}`);
      execFileSync('sh', ['-c', expanded], { cwd: inRoot(s, '.'), env: { ...process.env, ...s.env }, stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 * 1024 * 1024 });
    } else if (op === 'USER') s.user = expanded;
    else if (op === 'CMD') s.cmd = args(expanded);
    else if (op === 'HEALTHCHECK') {
      const m = /CMD\s+(.*)$/.exec(expanded);
      s.healthcheck = m ? args(m[1]) : null;
    } else if (!['EXPOSE', 'STOPSIGNAL', 'LABEL'].includes(op)) throw new Error(`${op} is not supported here`);
  }
  return stages;
}
