/**
 * The six grammars: English is exactly v1; a hand-checked table of one scene
 * and one question per template in every language (docs/synthscenes-v2.md
 * carries the same table); typography and agreement rules checked over
 * thousands of drawn samples; answers never collide within a template; the
 * training stream's language draw leaves tasks and images unchanged.
 */
import { describe, expect, it } from 'vitest';
import { caption, TEMPLATE_IDS, type VqaItem } from './language.js';
import { LANGUAGES, VQA_VALUES, answerIn, captionIn, vqaIn, type Language } from './languages.js';
import { sampleSpec, toTaskSample, type Sample } from './sample.js';
import type { SceneGraph, SceneObject } from './scene.js';
import { drawLanguage, drawTask } from './stream.js';
import { POSITIONS } from './vocab.js';

const obj = (shape: SceneObject['shape'], color: SceneObject['color'], size: SceneObject['size'], cell: number): SceneObject =>
  ({ shape, color, size, cell, position: POSITIONS[cell], cx: 0, cy: 0, extent: 10, rgb: [0, 0, 0] }) as SceneObject;

const SCENE = {
  kind: 'scene',
  objects: [obj('circle', 'red', 'large', 0), obj('square', 'blue', 'small', 4), obj('triangle', 'green', 'small', 8)],
} as unknown as SceneGraph;

const CAPTIONS: Record<Language, string> = {
  en: 'a large red circle at the top left, a small blue square at the center and a small green triangle at the bottom right.',
  es: 'un círculo rojo grande arriba a la izquierda, un cuadrado azul pequeño en el centro y un triángulo verde pequeño abajo a la derecha.',
  fr: 'un grand cercle rouge en haut à gauche, un petit carré bleu au centre et un petit triangle vert en bas à droite.',
  de: 'ein großer roter Kreis oben links, ein kleines blaues Quadrat in der Mitte und ein kleines grünes Dreieck unten rechts.',
  ja: '左上に大きい赤い円、中央に小さい青い正方形、右下に小さい緑の三角形があります。',
  zh: '左上角有一个大的红色圆形，中间有一个小的蓝色正方形，右下角有一个小的绿色三角形。',
};

const N = '\u00a0';
const ITEMS: Array<[Pick<VqaItem, 'templateId' | 'slots' | 'value'>, Record<Language, [string, string]>]> = [
  [
    { templateId: 'color', slots: { shape: 'square' }, value: { kind: 'color', color: 'blue' } },
    {
      en: ['what color is the square?', 'blue'],
      es: ['¿de qué color es el cuadrado?', 'azul'],
      fr: [`de quelle couleur est le carré${N}?`, 'bleu'],
      de: ['welche Farbe hat das Quadrat?', 'blau'],
      ja: ['正方形は何色ですか？', '青'],
      zh: ['正方形是什么颜色？', '蓝色'],
    },
  ],
  [
    { templateId: 'shape_at', slots: { position: 'top right' }, value: { kind: 'shape', shape: null } },
    {
      en: ['what shape is at the top right?', 'nothing'],
      es: ['¿qué figura hay arriba a la derecha?', 'nada'],
      fr: [`quelle forme y a-t-il en haut à droite${N}?`, 'rien'],
      de: ['welche Form ist oben rechts?', 'nichts'],
      ja: ['右上にある図形は何ですか？', 'なし'],
      zh: ['右上角是什么形状？', '没有'],
    },
  ],
  [
    { templateId: 'count_shape', slots: { shape: 'triangle' }, value: { kind: 'count', n: 2 } },
    {
      en: ['how many triangles are there?', '2'],
      es: ['¿cuántos triángulos hay?', '2'],
      fr: [`combien y a-t-il de triangles${N}?`, '2'],
      de: ['wie viele Dreiecke gibt es?', '2'],
      ja: ['三角形はいくつありますか？', '2個'],
      zh: ['有几个三角形？', '2个'],
    },
  ],
  [
    { templateId: 'count_all', slots: {}, value: { kind: 'count', n: 3 } },
    {
      en: ['how many objects are there?', '3'],
      es: ['¿cuántas figuras hay?', '3'],
      fr: [`combien y a-t-il de formes${N}?`, '3'],
      de: ['wie viele Formen gibt es?', '3'],
      ja: ['図形は全部でいくつありますか？', '3個'],
      zh: ['一共有几个图形？', '3个'],
    },
  ],
  [
    { templateId: 'exists', slots: { color: 'red', shape: 'circle' }, value: { kind: 'yesno', yes: true } },
    {
      en: ['is there a red circle?', 'yes'],
      es: ['¿hay un círculo rojo?', 'sí'],
      fr: [`y a-t-il un cercle rouge${N}?`, 'oui'],
      de: ['gibt es einen roten Kreis?', 'ja'],
      ja: ['赤い円はありますか？', 'はい'],
      zh: ['有红色的圆形吗？', '有'],
    },
  ],
  [
    { templateId: 'exists', slots: { color: 'green', shape: 'square' }, value: { kind: 'yesno', yes: false } },
    {
      en: ['is there a green square?', 'no'],
      es: ['¿hay un cuadrado verde?', 'no'],
      fr: [`y a-t-il un carré vert${N}?`, 'non'],
      de: ['gibt es ein grünes Quadrat?', 'nein'],
      ja: ['緑の正方形はありますか？', 'いいえ'],
      zh: ['有绿色的正方形吗？', '没有'],
    },
  ],
  [
    { templateId: 'where', slots: { color: 'green', shape: 'triangle' }, value: { kind: 'position', position: 'bottom right' } },
    {
      en: ['where is the green triangle?', 'bottom right'],
      es: ['¿dónde está el triángulo verde?', 'abajo a la derecha'],
      fr: [`où est le triangle vert${N}?`, 'en bas à droite'],
      de: ['wo ist das grüne Dreieck?', 'unten rechts'],
      ja: ['緑の三角形はどこにありますか？', '右下'],
      zh: ['绿色的三角形在哪里？', '右下角'],
    },
  ],
  [
    { templateId: 'size', slots: { color: 'red', shape: 'circle' }, value: { kind: 'size', size: 'large' } },
    {
      en: ['what size is the red circle?', 'large'],
      es: ['¿de qué tamaño es el círculo rojo?', 'grande'],
      fr: [`quelle est la taille du cercle rouge${N}?`, 'grand'],
      de: ['wie groß ist der rote Kreis?', 'groß'],
      ja: ['赤い円の大きさはどのくらいですか？', '大きい'],
      zh: ['红色的圆形是大还是小？', '大'],
    },
  ],
];

describe('the v2 grammars: the hand-checked table', () => {
  for (const lang of LANGUAGES) {
    it(`${lang}: caption and one question per template`, () => {
      expect(captionIn(SCENE, lang)).toBe(CAPTIONS[lang]);
      for (const [item, want] of ITEMS) expect([item.templateId, ...Object.values(vqaIn(item, lang))]).toEqual([item.templateId, ...want[lang]]);
    });
  }
});

describe('the v2 grammars over drawn samples', () => {
  const specs = Array.from({ length: 1500 }, (_, k) => sampleSpec('val', 2 * k));

  it('English is exactly v1 (captions, every question and answer)', () => {
    for (const s of specs) {
      const scene = s.scene as SceneGraph;
      expect(captionIn(scene, 'en')).toBe(caption(scene));
      for (const item of s.vqa) expect(vqaIn(item, 'en')).toEqual({ question: item.question, answer: item.answer });
    }
  });

  it('typography: no ASCII space in ja/zh; « ?» after a no-break space in French; ¿…? in Spanish; one final full stop', () => {
    for (const s of specs) {
      const scene = s.scene as SceneGraph;
      for (const lang of ['ja', 'zh'] as const) {
        expect(captionIn(scene, lang)).not.toMatch(/ /);
        expect(captionIn(scene, lang).endsWith('。')).toBe(true);
        for (const item of s.vqa) {
          const q = vqaIn(item, lang);
          expect(q.question + q.answer).not.toMatch(/ /);
          expect(q.question.endsWith('？')).toBe(true);
        }
      }
      for (const item of s.vqa) {
        const fr = vqaIn(item, 'fr').question;
        expect(fr.endsWith(`${N}?`) && !fr.includes(' ?')).toBe(true);
        const es = vqaIn(item, 'es').question;
        expect(es.startsWith('¿') && es.endsWith('?')).toBe(true);
      }
      for (const lang of ['en', 'es', 'fr', 'de'] as const) expect(captionIn(scene, lang)).toMatch(/^[a-zäöüßáéíóúñàèêç][^.]*\.$/);
    }
  });

  it('German agreement: ein …er Kreis, ein …es Quadrat / Dreieck; einen roten Kreis after „gibt es“; nouns capitalised', () => {
    for (const s of specs) {
      const de = captionIn(s.scene as SceneGraph, 'de');
      for (const m of de.matchAll(/ein (\S+) (\S+) (Kreis|Quadrat|Dreieck)/g)) {
        const ending = m[3] === 'Kreis' ? 'er' : 'es';
        expect(m[1].endsWith(ending) && m[2].endsWith(ending), m[0]).toBe(true);
      }
      expect(de).not.toMatch(/\b(kreis|quadrat|dreieck|mitte)\b/);
      for (const item of s.vqa.filter((i) => i.templateId === 'exists')) {
        const q = vqaIn(item, 'de').question;
        expect(q).toMatch(item.slots.shape === 'circle' ? /^gibt es einen \S+en Kreis\?$/ : /^gibt es ein \S+es (Quadrat|Dreieck)\?$/);
      }
    }
  });

  it('French puts petit/grand before the noun and the colour after it; Spanish puts both after', () => {
    for (const s of specs) {
      const scene = s.scene as SceneGraph;
      expect(captionIn(scene, 'fr')).toMatch(/^un (petit|grand) (cercle|carré|triangle) (rouge|vert|bleu|jaune) /);
      expect(captionIn(scene, 'es')).toMatch(/^un (círculo|cuadrado|triángulo) (rojo|verde|azul|amarillo) (pequeño|grande) /);
    }
  });

  it('within each template, different answers stay different in every language', () => {
    const values = VQA_VALUES;
    for (const lang of LANGUAGES) {
      for (const kind of ['color', 'shape', 'count', 'yesno', 'position', 'size']) {
        const answers = values.filter((v) => v.kind === kind).map((v) => answerIn(v, lang));
        expect(new Set(answers).size, `${lang} ${kind}`).toBe(answers.length);
      }
    }
  });

  it('toTaskSample gives the same scene and question in every language; OCR is language-free', () => {
    const scene = { ...sampleSpec('val', 10), image: { data: new Uint8ClampedArray(0), width: 64, height: 64 } } as Sample;
    const text = { ...sampleSpec('val', 11), image: { data: new Uint8ClampedArray(0), width: 128, height: 32 } } as Sample;
    for (const lang of LANGUAGES) {
      const v = toTaskSample(scene, 'vqa', lang);
      expect(v.lang).toBe(lang);
      expect(v.templateId).toBe(scene.vqa[scene.vqaPick].templateId);
      expect(toTaskSample(text, 'ocr', lang)).toMatchObject({ lang: 'en', prompt: 'ocr', answer: text.ocr });
    }
    expect(() => toTaskSample(scene, 'caption', 'it' as Language)).toThrow(/accepted: en, es, fr, de, ja, zh/);
  });
});

it('the stream: a language mix changes no task draw, and languages follow their weights', () => {
  const weights = [1, 1, 1, 1, 1, 1];
  const counts = new Map<string, number>();
  for (let j = 0; j < 6000; j++) {
    const lang = drawLanguage('train', j, weights);
    counts.set(lang, (counts.get(lang) ?? 0) + 1);
  }
  for (const lang of LANGUAGES) expect(Math.abs(counts.get(lang)! - 1000)).toBeLessThan(120);
  expect(drawLanguage('train', 5, [1, 0, 0, 0, 0, 0])).toBe('en');
  expect(drawTask('train', 5, [1, 1, 1])).toBe(drawTask('train', 5, [1, 1, 1]));
  expect(TEMPLATE_IDS.length).toBe(ITEMS.length - 1); // one table row per template (exists twice)
});
