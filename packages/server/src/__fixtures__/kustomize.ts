/**
 * A small kustomize, enough for deploy/k8s (no kustomize or kubectl binary
 * offline): resources (files and kustomization folders), namespace, labels
 * (with includeSelectors), images, and strategic-merge patches by kind and
 * name (lists of objects merged by `name`, as for containers, env, ports and
 * volumes). Anything else in a kustomization.yaml is refused, so the
 * manifests cannot silently use a feature this renderer ignores.
 */
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';

export type K8sObject = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string; labels?: Record<string, string> }; [k: string]: unknown };

const KNOWN = new Set(['apiVersion', 'kind', 'resources', 'namespace', 'labels', 'images', 'patches']);
const CLUSTER_SCOPED = new Set(['Namespace', 'ClusterRole', 'ClusterRoleBinding', 'CustomResourceDefinition', 'PersistentVolume', 'StorageClass']);

export function readYaml(file: string): unknown[] {
  return parseAllDocuments(readFileSync(file, 'utf8')).map((d) => {
    if (d.errors.length > 0) throw new Error(`${file}: ${d.errors[0].message}`);
    return d.toJS();
  });
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Strategic merge, the part used here: objects merge, lists of named objects merge by name, other values are replaced. */
export function merge(base: unknown, patch: unknown): unknown {
  if (isObj(base) && isObj(patch)) {
    const out: Obj = { ...base };
    for (const [k, v] of Object.entries(patch)) out[k] = k in base ? merge(base[k], v) : v;
    return out;
  }
  if (Array.isArray(base) && Array.isArray(patch) && patch.every((p) => isObj(p) && typeof p.name === 'string')) {
    const out = base.map((b) => {
      const p = patch.find((q) => isObj(b) && (q as Obj).name === b.name);
      return p === undefined ? b : merge(b, p);
    });
    for (const p of patch) if (!base.some((b) => isObj(b) && b.name === (p as Obj).name)) out.push(p);
    return out;
  }
  return patch;
}

function setLabels(o: K8sObject, pairs: Record<string, string>, selectors: boolean): void {
  o.metadata.labels = { ...o.metadata.labels, ...pairs };
  if (!selectors) return;
  const spec = o.spec as Obj | undefined;
  if (spec === undefined) return;
  if (o.kind === 'Service') spec.selector = { ...(spec.selector as Obj), ...pairs };
  else if (isObj(spec.selector)) spec.selector.matchLabels = { ...(spec.selector.matchLabels as Obj), ...pairs };
  const template = spec.template as { metadata?: { labels?: Obj } } | undefined;
  if (template !== undefined) template.metadata = { ...template.metadata, labels: { ...template.metadata?.labels, ...pairs } };
}

function containersOf(o: K8sObject): Obj[] {
  const spec = ((o.spec as Obj | undefined)?.template as Obj | undefined)?.spec as Obj | undefined;
  return [...((spec?.containers as Obj[]) ?? []), ...((spec?.initContainers as Obj[]) ?? [])];
}

/** Renders the kustomization in `dir` like `kustomize build dir`. */
export function kustomize(dir: string): K8sObject[] {
  const [k] = readYaml(path.join(dir, 'kustomization.yaml')) as Obj[];
  for (const key of Object.keys(k)) if (!KNOWN.has(key)) throw new Error(`${dir}/kustomization.yaml: "${key}" is not supported by this renderer`);
  let objects: K8sObject[] = [];
  for (const r of (k.resources as string[]) ?? []) {
    const p = path.join(dir, r);
    objects.push(...(statSync(p).isDirectory() ? kustomize(p) : (readYaml(p) as K8sObject[])));
  }
  for (const p of (k.patches as { path: string }[]) ?? []) {
    for (const patch of readYaml(path.join(dir, p.path)) as K8sObject[]) {
      const i = objects.findIndex((o) => o.kind === patch.kind && o.metadata.name === patch.metadata.name);
      if (i < 0) throw new Error(`${p.path}: no ${patch.kind} ${patch.metadata.name} to patch`);
      objects[i] = merge(objects[i], patch) as K8sObject;
    }
  }
  for (const l of (k.labels as { pairs: Record<string, string>; includeSelectors?: boolean }[]) ?? []) for (const o of objects) setLabels(o, l.pairs, l.includeSelectors === true);
  for (const img of (k.images as { name: string; newName?: string; newTag?: string }[]) ?? []) {
    for (const o of objects) {
      for (const c of containersOf(o)) {
        const [name] = String(c.image).split(':');
        if (name === img.name) c.image = `${img.newName ?? name}:${img.newTag ?? String(c.image).split(':')[1] ?? 'latest'}`;
      }
    }
  }
  if (typeof k.namespace === 'string') {
    objects = objects.map((o) => (CLUSTER_SCOPED.has(o.kind) ? o : { ...o, metadata: { ...o.metadata, namespace: k.namespace as string } }));
  }
  return objects;
}
