/**
 * Answers against the spec, for thousands of samples: the caption parses back
 * to the scene, and every VQA answer and condition is recomputed here from
 * the scene graph with code written independently of language.ts.
 */
import { describe, expect, it } from 'vitest';
import { sampleSpec } from './sample.js';
import type { SceneGraph, SceneObject } from './scene.js';

const N = 4000; // scenes: indices 0, 2, ..., 2N − 2
const POS = ['top left', 'top', 'top right', 'left', 'center', 'right', 'bottom left', 'bottom', 'bottom right'];

function scenes(split: 'train' | 'heldout' = 'train'): { scene: SceneGraph; spec: ReturnType<typeof sampleSpec> }[] {
  const out = [];
  for (let k = 0; k < N; k++) {
    const spec = sampleSpec(split, 2 * k);
    out.push({ scene: spec.scene as SceneGraph, spec });
  }
  return out;
}

const all = scenes();

/** Caption → objects, by the grammar in the spec. */
function parseCaption(text: string): { size: string; color: string; shape: string; position: string }[] {
  expect(text.endsWith('.')).toBe(true);
  const body = text.slice(0, -1);
  let phrases: string[];
  const and = body.split(' and ');
  if (and.length === 1) phrases = and;
  else {
    expect(and.length).toBe(2);
    phrases = [...and[0].split(', '), and[1]];
  }
  expect(phrases.length).toBeLessThanOrEqual(3);
  if (phrases.length < 3) expect(body.includes(', ')).toBe(false);
  return phrases.map((p) => {
    const m = /^a (small|large) (red|green|blue|yellow) (circle|square|triangle) at the (.+)$/.exec(p);
    expect(m, `phrase "${p}"`).not.toBeNull();
    expect(POS).toContain(m![4]);
    return { size: m![1], color: m![2], shape: m![3], position: m![4] };
  });
}

function count(objs: SceneObject[], f: (o: SceneObject) => boolean): number {
  return objs.filter(f).length;
}

/** Independent answer + condition for one question; null when the question matches no template. */
function recompute(scene: SceneGraph, question: string): { id: string; answer: string; condition: boolean } | null {
  const objs = scene.objects;
  let m: RegExpExecArray | null;
  if ((m = /^what color is the (circle|square|triangle)\?$/.exec(question))) {
    const hits = objs.filter((o) => o.shape === m![1]);
    return { id: 'color', answer: hits[0]?.color ?? '', condition: hits.length === 1 };
  }
  if ((m = /^what shape is at the (.+)\?$/.exec(question))) {
    const hit = objs.find((o) => POS[o.cell] === m![1]);
    return { id: 'shape_at', answer: hit ? hit.shape : 'nothing', condition: POS.includes(m[1]) };
  }
  if ((m = /^how many (circle|square|triangle)s are there\?$/.exec(question))) {
    return { id: 'count_shape', answer: String(count(objs, (o) => o.shape === m![1])), condition: true };
  }
  if (question === 'how many objects are there?') {
    return { id: 'count_all', answer: String(objs.length), condition: true };
  }
  if ((m = /^is there a (red|green|blue|yellow) (circle|square|triangle)\?$/.exec(question))) {
    const n = count(objs, (o) => o.color === m![1] && o.shape === m![2]);
    return { id: 'exists', answer: n > 0 ? 'yes' : 'no', condition: true };
  }
  if ((m = /^(where|what size) is the (red|green|blue|yellow) (circle|square|triangle)\?$/.exec(question))) {
    const hits = objs.filter((o) => o.color === m![2] && o.shape === m![3]);
    const id = m[1] === 'where' ? 'where' : 'size';
    const answer = hits.length ? (id === 'where' ? POS[hits[0].cell] : hits[0].size) : '';
    return { id, answer, condition: hits.length === 1 };
  }
  return null;
}

/** Templates whose condition holds, computed from scratch. */
function eligible(scene: SceneGraph): string[] {
  const objs = scene.objects;
  const ids = ['shape_at', 'count_shape', 'count_all', 'exists'];
  if (['circle', 'square', 'triangle'].some((s) => count(objs, (o) => o.shape === s) === 1)) ids.push('color');
  const uniquePair = objs.some((o) => count(objs, (p) => p.color === o.color && p.shape === o.shape) === 1);
  if (uniquePair) ids.push('where', 'size');
  return ids.sort();
}

describe('captions', () => {
  it('parse back to the scene, in reading order', () => {
    for (const { scene, spec } of all) {
      const parsed = parseCaption(spec.caption!);
      const want = [...scene.objects]
        .sort((a, b) => a.cell - b.cell)
        .map((o) => ({ size: o.size, color: o.color, shape: o.shape, position: POS[o.cell] }));
      expect(parsed).toEqual(want);
    }
  });

  it('match the example grammar exactly', () => {
    const seen = new Set<number>();
    for (const { spec, scene } of all) {
      const n = scene.objects.length;
      if (seen.has(n)) continue;
      seen.add(n);
      const c = spec.caption!;
      const commas = c.split(', ').length - 1;
      const ands = c.split(' and ').length - 1;
      expect([commas, ands]).toEqual(n === 1 ? [0, 0] : n === 2 ? [0, 1] : [1, 1]);
      expect(c).toBe(c.toLowerCase());
    }
    expect(seen.size).toBe(3);
  });
});

describe('vqa', () => {
  it('every answer recomputed from the scene graph, only where the condition holds', () => {
    for (const { scene, spec } of all) {
      for (const item of spec.vqa) {
        const r = recompute(scene, item.question);
        expect(r, item.question).not.toBeNull();
        expect(r!.id).toBe(item.templateId);
        expect(r!.condition, `${item.question} on ${JSON.stringify(scene.objects)}`).toBe(true);
        expect(item.answer).toBe(r!.answer);
        expect(item.question).toBe(item.question.toLowerCase());
        expect(item.question.endsWith('?')).toBe(true);
      }
    }
  });

  it('one question per eligible template; answers in the closed answer set', () => {
    const answers = new Set([
      'red', 'green', 'blue', 'yellow', 'circle', 'square', 'triangle', 'nothing',
      '0', '1', '2', '3', 'yes', 'no', 'small', 'large', ...POS,
    ]);
    for (const { scene, spec } of all) {
      expect(spec.vqa.map((v) => v.templateId).sort()).toEqual(eligible(scene));
      for (const v of spec.vqa) expect(answers.has(v.answer), v.answer).toBe(true);
      if (spec.vqa.some((v) => v.templateId === 'count_all')) {
        expect(['1', '2', '3']).toContain(spec.vqa.find((v) => v.templateId === 'count_all')!.answer);
      }
    }
  });

  it('the asked template is uniform among the eligible ones', () => {
    const observed: Record<string, number> = {};
    const expected: Record<string, number> = {};
    const variance: Record<string, number> = {};
    for (const { scene, spec } of all) {
      const ids = eligible(scene);
      for (const id of ids) {
        const p = 1 / ids.length;
        expected[id] = (expected[id] ?? 0) + p;
        variance[id] = (variance[id] ?? 0) + p * (1 - p);
      }
      const asked = spec.vqa[spec.vqaPick].templateId;
      observed[asked] = (observed[asked] ?? 0) + 1;
    }
    expect(Object.keys(observed).sort()).toEqual(Object.keys(expected).sort());
    for (const id of Object.keys(expected)) {
      // 4.5 standard deviations of a sum of independent Bernoullis.
      expect(Math.abs(observed[id] - expected[id]), id).toBeLessThan(4.5 * Math.sqrt(variance[id]));
    }
  });

  it('exists is yes and shape_at names a shape about half the time', () => {
    let yes = 0;
    let shape = 0;
    for (const { spec } of all) {
      yes += spec.vqa.find((v) => v.templateId === 'exists')!.answer === 'yes' ? 1 : 0;
      shape += spec.vqa.find((v) => v.templateId === 'shape_at')!.answer !== 'nothing' ? 1 : 0;
    }
    const sd = Math.sqrt(N * 0.25);
    expect(Math.abs(yes - N / 2)).toBeLessThan(4.5 * sd);
    expect(Math.abs(shape - N / 2)).toBeLessThan(4.5 * sd);
  });

  it('count_shape covers 0–3 and color/where/size all occur', () => {
    const seen = new Set<string>();
    for (const { spec } of all) for (const v of spec.vqa) seen.add(`${v.templateId}:${v.templateId === 'count_shape' ? v.answer : ''}`);
    for (const a of ['0', '1', '2', '3']) expect(seen.has(`count_shape:${a}`), a).toBe(true);
    for (const id of ['color', 'where', 'size', 'exists', 'shape_at', 'count_all']) expect(seen.has(`${id}:`), id).toBe(true);
  });
});
