/**
 * deploy/k8s, rendered as kustomize would (a small renderer: no kustomize or
 * kubectl offline) and validated against the Kubernetes 1.27 schemas with
 * kubernetes-models 4; then checked for what the schemas cannot see: probes
 * on the server's health routes, the ConfigMap's values accepted by the
 * server, the grace period against the drain, CPU against replicas, memory
 * against the serve benchmark's soak, selectors that match, the HPA's
 * queue-depth metric served by the prometheus-adapter rule. And the
 * Dockerfile's shape (its steps run in dockerfile.node.test.ts).
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { resolveConfig } from 'mobile-mm';
import { Deployment } from 'kubernetes-models/apps/v1';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { ConfigMap, Namespace, Service } from 'kubernetes-models/v1';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { resolveServerConfig, SERVER_ENV_VARS } from './config.js';
import { kustomize, type K8sObject } from './__fixtures__/kustomize.js';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const k8s = path.join(root, 'deploy/k8s');
const SCHEMAS: Record<string, new (o: never) => { validate(): void }> = {
  'apps/v1/Deployment': Deployment,
  'autoscaling/v2/HorizontalPodAutoscaler': HorizontalPodAutoscaler,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
  'v1/ConfigMap': ConfigMap,
  'v1/Namespace': Namespace,
  'v1/Service': Service,
};

/* eslint-disable @typescript-eslint/no-explicit-any */
type Any = any;
const one = (objs: K8sObject[], kind: string): Any => {
  const found = objs.filter((o) => o.kind === kind);
  expect(found, kind).toHaveLength(1);
  return found[0];
};
const cores = (q: string): number => (q.endsWith('m') ? Number(q.slice(0, -1)) / 1000 : Number(q));
const mebibytes = (q: string): number => {
  const m = /^([0-9.]+)(Mi|Gi)$/.exec(q);
  if (m === null) throw new Error(`memory quantity ${q}: use Mi or Gi`);
  return Number(m[1]) * (m[2] === 'Gi' ? 1024 : 1);
};

function validateAll(objs: K8sObject[]): void {
  for (const o of objs) {
    const Schema = SCHEMAS[`${o.apiVersion}/${o.kind}`];
    expect(Schema, `${o.apiVersion} ${o.kind} has a schema here`).toBeDefined();
    expect(() => new Schema(o as never).validate(), `${o.kind} ${o.metadata.name}`).not.toThrow();
  }
}

for (const variant of ['base', 'overlays/production'] as const) {
  describe(`deploy/k8s/${variant}`, () => {
    const objs = kustomize(path.join(k8s, variant));
    const dep = one(objs, 'Deployment');
    const pod = dep.spec.template;
    const c = pod.spec.containers[0];
    const cm = one(objs, 'ConfigMap');

    it('every object validates against the Kubernetes schemas', () => {
      expect(objs.map((o) => o.kind).sort()).toEqual([...(variant === 'base' ? [] : ['Namespace']), 'ConfigMap', 'Deployment', 'HorizontalPodAutoscaler', 'PodDisruptionBudget', 'Service'].sort());
      validateAll(objs);
    });

    it('the schema check bites: a broken Deployment fails it', () => {
      const broken = structuredClone(dep);
      broken.spec.template.spec.containers[0].ports[0].containerPort = 'http';
      expect(() => new Deployment(broken).validate()).toThrow();
      delete broken.spec.selector;
      expect(() => new Deployment(broken).validate()).toThrow();
    });

    it('probes: startup and readiness on /health/ready, liveness on /health/live, on the port the server listens on', () => {
      expect(c.startupProbe.httpGet).toEqual({ path: '/health/ready', port: 'http' });
      expect(c.readinessProbe.httpGet).toEqual({ path: '/health/ready', port: 'http' });
      expect(c.livenessProbe.httpGet).toEqual({ path: '/health/live', port: 'http' });
      expect(c.ports.find((p: Any) => p.name === 'http').containerPort).toBe(Number(cm.data.MOBILE_MM_PORT));
      expect(cm.data.MOBILE_MM_HOST).toBe('0.0.0.0');
      expect(c.envFrom).toEqual([{ configMapRef: { name: cm.metadata.name } }]);
    });

    it('the ConfigMap holds only MOBILE_MM_* variables the server and the model accept', () => {
      const known = new Set([...Object.values(SERVER_ENV_VARS), 'MOBILE_MM_BACKEND', 'MOBILE_MM_VARIANT', 'MOBILE_MM_OPTIMIZATION_PROFILE', 'MOBILE_MM_MODEL_DIR', 'MOBILE_MM_MAX_IMAGE_PIXELS', 'MOBILE_MM_MAX_PROMPT_CHARS']);
      for (const k of Object.keys(cm.data)) expect(known.has(k), k).toBe(true);
      const server = resolveServerConfig({ env: cm.data });
      expect(server.host).toBe('0.0.0.0');
      resolveConfig({ env: cm.data }); // throws INVALID_CONFIG on a bad model setting
    });

    it('SIGTERM: terminationGracePeriodSeconds covers the drain delay and timeout with 3 s to exit', () => {
      const s = resolveServerConfig({ env: cm.data });
      expect(pod.spec.terminationGracePeriodSeconds * 1000).toBeGreaterThanOrEqual(s.drainDelayMs + s.drainTimeoutMs + 3000);
      expect(s.drainDelayMs).toBeGreaterThan(0); // endpoints update before the listener closes
    });

    it('resources: one CPU per replica thread, requests = limits for CPU, memory above the soak', () => {
      const replicas = resolveServerConfig({ env: cm.data }).replicas;
      expect(cores(c.resources.requests.cpu)).toBe(replicas);
      expect(c.resources.limits.cpu).toBe(c.resources.requests.cpu);
      const soak = path.join(root, 'apps/bench/results/serve.json');
      if (existsSync(soak)) {
        const r = JSON.parse(readFileSync(soak, 'utf8')) as { soak: { replicas: number; samples: { rssMiB: number }[] } };
        const peak = Math.max(...r.soak.samples.map((q) => q.rssMiB));
        expect(r.soak.replicas).toBe(replicas);
        expect(mebibytes(c.resources.requests.memory)).toBeGreaterThanOrEqual(peak);
        expect(mebibytes(c.resources.limits.memory)).toBeGreaterThanOrEqual(1.25 * peak);
      }
    });

    it('non-root, no privilege escalation, read-only root filesystem, as the Dockerfile user', () => {
      const user = /^USER (\d+):(\d+)$/m.exec(readFileSync(path.join(root, 'deploy/Dockerfile'), 'utf8'))!;
      expect(pod.spec.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: Number(user[1]), runAsGroup: Number(user[2]) });
      expect(c.securityContext).toMatchObject({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } });
    });

    it('Service and PDB select the pods; the PDB leaves room to drain', () => {
      const labels = pod.metadata.labels;
      const svc = one(objs, 'Service');
      for (const [k, v] of Object.entries(svc.spec.selector)) expect(labels[k], k).toBe(v);
      expect(svc.spec.ports[0].targetPort).toBe('http');
      for (const sel of [dep.spec.selector.matchLabels, one(objs, 'PodDisruptionBudget').spec.selector.matchLabels]) {
        for (const [k, v] of Object.entries(sel)) expect(labels[k], k).toBe(v);
      }
      const hpa = one(objs, 'HorizontalPodAutoscaler');
      expect(one(objs, 'PodDisruptionBudget').spec.minAvailable).toBeLessThan(hpa.spec.minReplicas);
    });

    it('HPA v2 on CPU and on mobile_mm_queue_depth per pod, within the Deployment it scales', () => {
      const hpa = one(objs, 'HorizontalPodAutoscaler');
      expect(hpa.spec.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: dep.metadata.name });
      expect(hpa.spec.metrics.find((m: Any) => m.type === 'Resource').resource.name).toBe('cpu');
      const q = hpa.spec.metrics.find((m: Any) => m.type === 'Pods').pods;
      expect(q.metric.name).toBe('mobile_mm_queue_depth');
      expect(Number(q.target.averageValue)).toBeLessThanOrEqual(Number(cm.data.MOBILE_MM_MAX_QUEUE)); // scale before the queue refuses
      expect(hpa.spec.minReplicas).toBeLessThanOrEqual(dep.spec.replicas);
      expect(hpa.spec.maxReplicas).toBeGreaterThan(hpa.spec.minReplicas);
    });

    if (variant === 'overlays/production') {
      it('production: its namespace on every namespaced object, the registry image, 3–20 pods', () => {
        for (const o of objs) if (o.kind !== 'Namespace') expect(o.metadata.namespace, o.kind).toBe('mobile-mm');
        expect(c.image).toBe('registry.example.com/mobile-mm/server:0.1.0');
        expect(dep.spec.replicas).toBe(3);
        expect(one(objs, 'HorizontalPodAutoscaler').spec).toMatchObject({ minReplicas: 3, maxReplicas: 20 });
        expect(cm.data.MOBILE_MM_RATE_LIMIT_RPS).toBe('20');
        expect(cm.data.MOBILE_MM_REPLICAS).toBe('2'); // the base's, kept by the merge
        for (const o of objs) expect(o.metadata.labels?.['app.kubernetes.io/instance'], o.kind).toBe('production');
      });
    }
  });
}

describe('deploy/k8s/monitoring', () => {
  it('the prometheus-adapter rule exposes mobile_mm_queue_depth per pod, the name the HPA reads', () => {
    const objs = kustomize(path.join(k8s, 'monitoring'));
    validateAll(objs);
    const cm = one(objs, 'ConfigMap');
    expect(cm.metadata.namespace).toBe('monitoring');
    const rules = (parse(cm.data['config.yaml']) as { rules: Any[] }).rules;
    const rule = rules.find((r) => r.seriesQuery.startsWith('mobile_mm_queue_depth'));
    expect(rule.resources.overrides).toEqual({ namespace: { resource: 'namespace' }, pod: { resource: 'pod' } });
    expect(rule.name.as).toBe('mobile_mm_queue_depth');
    expect(rule.metricsQuery).toContain('<<.Series>>{<<.LabelMatchers>>}');
    expect(readFileSync(path.join(root, 'packages/server/src/metrics.ts'), 'utf8')).toContain("name: 'mobile_mm_queue_depth'");
  });
});

describe('deploy/Dockerfile', () => {
  const text = readFileSync(path.join(root, 'deploy/Dockerfile'), 'utf8');
  const stages = text.split(/^FROM /m).slice(1);

  it('multi-stage: npm ci from the lockfile, production dependencies only in the final stage, non-root, HEALTHCHECK on /health/live', () => {
    expect(stages).toHaveLength(3);
    expect(stages[0]).toMatch(/RUN npm ci\b/);
    expect(stages[1]).toMatch(/npm ci --omit=dev/);
    expect(stages[2]).toMatch(/COPY --from=prod \/app \/app/);
    expect(stages[2]).not.toMatch(/^RUN /m);
    expect(stages[2]).toMatch(/^USER [1-9]\d*:[1-9]\d*$/m);
    expect(stages[2]).toMatch(/HEALTHCHECK[\s\S]*\/health\/live/);
    expect(stages[2]).toContain('CMD ["node", "packages/mobile-mm/bin/mobile-mm.js", "serve"]');
    expect(stages[2]).toContain('MOBILE_MM_HOST=0.0.0.0');
  });

  it('.dockerignore keeps the models and the lockfile in the build context', () => {
    const ignore = readFileSync(path.join(root, '.dockerignore'), 'utf8').split('\n').filter((l) => l.trim() !== '' && !l.startsWith('#'));
    expect(ignore).toContain('**/node_modules');
    for (const l of ignore) expect(['packages/mobile-mm/models', 'package-lock.json', 'packages'].some((keep) => keep.startsWith(l.replace(/\/\*\*$/, '')))).toBe(false);
  });
});
