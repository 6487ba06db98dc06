/**
 * SynthScenes v2: captions, questions and answers in six languages (en, es,
 * fr, de, ja, zh), rendered from the same scene graph and the same drawn VQA
 * slots, so the k-th sample of a split asks the same thing in every language
 * and English is exactly v1. The grammar of each language is written out in
 * docs/synthscenes-v2.md with its table; the rules that shape the code:
 *
 *   en  a {size} {color} {shape} at the {position}              (v1)
 *   es  un {shape} {color} {size} {position}                    noun first; every shape is masculine
 *   fr  un {petit|grand} {shape} {color} {position}             size before the noun, colour after;
 *                                                               a no-break space before « ? »
 *   de  ein {size-er|es} {color-er|es} {Shape} {position}       strong declension after ein (Kreis m,
 *                                                               Quadrat/Dreieck n); nouns capitalised;
 *                                                               accusative after „gibt es“
 *   ja  {position}に{size}{color}{shape}                        i-adjectives (赤い), 緑 takes の; list with 、,
 *                                                               then があります。; counts with 個; no spaces
 *   zh  {position}有一个{size}的{color}{shape}                  measure word 个; clauses joined by ，; no spaces
 *
 * Lists: en "A, B and C"; es "A, B y C"; fr "A, B et C"; de "A, B und C"
 * (no comma before the conjunction); ja/zh one clause per object.
 * Captions start lower case in every language, as v1 does (they are matched
 * exactly); German nouns keep their capital.
 */
import { LANGUAGES, isLanguage, type Language } from '@mobile-mm/core';
import type { VqaItem } from './language.js';
import type { SceneGraph, SceneObject } from './scene.js';
import { COLORS, POSITIONS, SHAPES, SIZES, type Color, type Position, type Shape, type Size } from './vocab.js';

export { LANGUAGES, isLanguage, type Language };

/** What a VQA answer means, independent of language. */
export type VqaValue =
  | { kind: 'color'; color: Color }
  | { kind: 'shape'; shape: Shape | null }
  | { kind: 'count'; n: number }
  | { kind: 'yesno'; yes: boolean }
  | { kind: 'position'; position: Position }
  | { kind: 'size'; size: Size };

/** Every answer meaning, for coverage tests (tokenizers, grammars). */
export const VQA_VALUES: readonly VqaValue[] = Object.freeze([
  ...COLORS.map((color) => ({ kind: 'color', color }) as const),
  ...[...SHAPES, null].map((shape) => ({ kind: 'shape', shape }) as const),
  ...[0, 1, 2, 3].map((n) => ({ kind: 'count', n }) as const),
  { kind: 'yesno', yes: true } as const,
  { kind: 'yesno', yes: false } as const,
  ...POSITIONS.map((position) => ({ kind: 'position', position }) as const),
  ...SIZES.map((size) => ({ kind: 'size', size }) as const),
]);

/** The slots a question was drawn with. */
export interface VqaSlots {
  shape?: Shape;
  color?: Color;
  position?: Position;
}

interface Grammar {
  /** The phrase of one object in a caption. */
  phrase(o: Pick<SceneObject, 'size' | 'color' | 'shape' | 'position'>): string;
  /** The caption of phrases in reading order (≥ 1). */
  join(phrases: string[]): string;
  question(id: VqaItem['templateId'], s: VqaSlots): string;
  answer(v: VqaValue): string;
}

const list = (and: string) => (p: string[]) => (p.length <= 1 ? p.join('') : `${p.slice(0, -1).join(', ')} ${and} ${p[p.length - 1]}`);

const EN_POS: Record<Position, string> = {
  'top left': 'top left', top: 'top', 'top right': 'top right', left: 'left', center: 'center', right: 'right',
  'bottom left': 'bottom left', bottom: 'bottom', 'bottom right': 'bottom right',
};

const en: Grammar = {
  phrase: (o) => `a ${o.size} ${o.color} ${o.shape} at the ${EN_POS[o.position]}`,
  join: (p) => `${list('and')(p)}.`,
  question: (id, s) =>
    ({
      color: `what color is the ${s.shape}?`,
      shape_at: `what shape is at the ${s.position}?`,
      count_shape: `how many ${s.shape}s are there?`,
      count_all: 'how many objects are there?',
      exists: `is there a ${s.color} ${s.shape}?`,
      where: `where is the ${s.color} ${s.shape}?`,
      size: `what size is the ${s.color} ${s.shape}?`,
    })[id],
  answer: (v) =>
    v.kind === 'color' ? v.color : v.kind === 'shape' ? (v.shape ?? 'nothing') : v.kind === 'count' ? String(v.n) : v.kind === 'yesno' ? (v.yes ? 'yes' : 'no') : v.kind === 'position' ? v.position : v.size,
};

// Spanish: círculo, cuadrado, triángulo are all masculine, so every adjective takes -o.
const ES_SHAPE: Record<Shape, [string, string]> = { circle: ['círculo', 'círculos'], square: ['cuadrado', 'cuadrados'], triangle: ['triángulo', 'triángulos'] };
const ES_COLOR: Record<Color, string> = { red: 'rojo', green: 'verde', blue: 'azul', yellow: 'amarillo' };
const ES_SIZE: Record<Size, string> = { small: 'pequeño', large: 'grande' };
const ES_POS: Record<Position, string> = {
  'top left': 'arriba a la izquierda', top: 'arriba', 'top right': 'arriba a la derecha', left: 'a la izquierda', center: 'en el centro',
  right: 'a la derecha', 'bottom left': 'abajo a la izquierda', bottom: 'abajo', 'bottom right': 'abajo a la derecha',
};
const es: Grammar = {
  phrase: (o) => `un ${ES_SHAPE[o.shape][0]} ${ES_COLOR[o.color]} ${ES_SIZE[o.size]} ${ES_POS[o.position]}`,
  join: (p) => `${list('y')(p)}.`,
  question: (id, s) =>
    ({
      color: () => `¿de qué color es el ${ES_SHAPE[s.shape!][0]}?`,
      shape_at: () => `¿qué figura hay ${ES_POS[s.position!]}?`,
      count_shape: () => `¿cuántos ${ES_SHAPE[s.shape!][1]} hay?`,
      count_all: () => '¿cuántas figuras hay?',
      exists: () => `¿hay un ${ES_SHAPE[s.shape!][0]} ${ES_COLOR[s.color!]}?`,
      where: () => `¿dónde está el ${ES_SHAPE[s.shape!][0]} ${ES_COLOR[s.color!]}?`,
      size: () => `¿de qué tamaño es el ${ES_SHAPE[s.shape!][0]} ${ES_COLOR[s.color!]}?`,
    })[id](),
  answer: (v) =>
    v.kind === 'color' ? ES_COLOR[v.color] : v.kind === 'shape' ? (v.shape ? ES_SHAPE[v.shape][0] : 'nada') : v.kind === 'count' ? String(v.n) : v.kind === 'yesno' ? (v.yes ? 'sí' : 'no') : v.kind === 'position' ? ES_POS[v.position] : ES_SIZE[v.size],
};

// French: cercle, carré, triangle are masculine; petit/grand precede the noun, colours follow it.
const NBSP = '\u00a0';
const FR_SHAPE: Record<Shape, [string, string]> = { circle: ['cercle', 'cercles'], square: ['carré', 'carrés'], triangle: ['triangle', 'triangles'] };
const FR_COLOR: Record<Color, string> = { red: 'rouge', green: 'vert', blue: 'bleu', yellow: 'jaune' };
const FR_SIZE: Record<Size, string> = { small: 'petit', large: 'grand' };
const FR_POS: Record<Position, string> = {
  'top left': 'en haut à gauche', top: 'en haut', 'top right': 'en haut à droite', left: 'à gauche', center: 'au centre',
  right: 'à droite', 'bottom left': 'en bas à gauche', bottom: 'en bas', 'bottom right': 'en bas à droite',
};
const fr: Grammar = {
  phrase: (o) => `un ${FR_SIZE[o.size]} ${FR_SHAPE[o.shape][0]} ${FR_COLOR[o.color]} ${FR_POS[o.position]}`,
  join: (p) => `${list('et')(p)}.`,
  question: (id, s) =>
    ({
      color: () => `de quelle couleur est le ${FR_SHAPE[s.shape!][0]}${NBSP}?`,
      shape_at: () => `quelle forme y a-t-il ${FR_POS[s.position!]}${NBSP}?`,
      count_shape: () => `combien y a-t-il de ${FR_SHAPE[s.shape!][1]}${NBSP}?`,
      count_all: () => `combien y a-t-il de formes${NBSP}?`,
      exists: () => `y a-t-il un ${FR_SHAPE[s.shape!][0]} ${FR_COLOR[s.color!]}${NBSP}?`,
      where: () => `où est le ${FR_SHAPE[s.shape!][0]} ${FR_COLOR[s.color!]}${NBSP}?`,
      size: () => `quelle est la taille du ${FR_SHAPE[s.shape!][0]} ${FR_COLOR[s.color!]}${NBSP}?`,
    })[id](),
  answer: (v) =>
    v.kind === 'color' ? FR_COLOR[v.color] : v.kind === 'shape' ? (v.shape ? FR_SHAPE[v.shape][0] : 'rien') : v.kind === 'count' ? String(v.n) : v.kind === 'yesno' ? (v.yes ? 'oui' : 'non') : v.kind === 'position' ? FR_POS[v.position] : FR_SIZE[v.size],
};

// German: Kreis (m), Quadrat (n), Dreieck (n); adjectives declined after ein / der, das.
type Gender = 'm' | 'n';
const DE_SHAPE: Record<Shape, { noun: string; plural: string; g: Gender }> = {
  circle: { noun: 'Kreis', plural: 'Kreise', g: 'm' },
  square: { noun: 'Quadrat', plural: 'Quadrate', g: 'n' },
  triangle: { noun: 'Dreieck', plural: 'Dreiecke', g: 'n' },
};
const DE_COLOR: Record<Color, string> = { red: 'rot', green: 'grün', blue: 'blau', yellow: 'gelb' };
const DE_SIZE: Record<Size, string> = { small: 'klein', large: 'groß' };
const DE_POS: Record<Position, string> = {
  'top left': 'oben links', top: 'oben', 'top right': 'oben rechts', left: 'links', center: 'in der Mitte',
  right: 'rechts', 'bottom left': 'unten links', bottom: 'unten', 'bottom right': 'unten rechts',
};
/** Nominative after ein (strong endings): -er (m), -es (n). */
const deStrong = (adj: string, g: Gender) => `${adj}${g === 'm' ? 'er' : 'es'}`;
/** After der / das (weak endings): -e. */
const deWeak = (adj: string) => `${adj}e`;
const deArticle = (g: Gender) => (g === 'm' ? 'der' : 'das');
const de: Grammar = {
  phrase: (o) => {
    const s = DE_SHAPE[o.shape];
    return `ein ${deStrong(DE_SIZE[o.size], s.g)} ${deStrong(DE_COLOR[o.color], s.g)} ${s.noun} ${DE_POS[o.position]}`;
  },
  join: (p) => `${list('und')(p)}.`,
  question: (id, sl) => {
    const s = sl.shape ? DE_SHAPE[sl.shape] : null;
    const the = () => `${deArticle(s!.g)} ${deWeak(DE_COLOR[sl.color!])} ${s!.noun}`;
    return {
      color: () => `welche Farbe hat ${deArticle(s!.g)} ${s!.noun}?`,
      shape_at: () => `welche Form ist ${DE_POS[sl.position!]}?`,
      count_shape: () => `wie viele ${s!.plural} gibt es?`,
      count_all: () => 'wie viele Formen gibt es?',
      // Accusative: einen roten Kreis (m), ein rotes Quadrat (n).
      exists: () => `gibt es ${s!.g === 'm' ? `einen ${DE_COLOR[sl.color!]}en` : `ein ${DE_COLOR[sl.color!]}es`} ${s!.noun}?`,
      where: () => `wo ist ${the()}?`,
      size: () => `wie groß ist ${the()}?`,
    }[id]();
  },
  answer: (v) =>
    v.kind === 'color' ? DE_COLOR[v.color] : v.kind === 'shape' ? (v.shape ? DE_SHAPE[v.shape].noun : 'nichts') : v.kind === 'count' ? String(v.n) : v.kind === 'yesno' ? (v.yes ? 'ja' : 'nein') : v.kind === 'position' ? DE_POS[v.position] : DE_SIZE[v.size],
};

// Japanese: 赤い・青い・黄色い are i-adjectives; 緑 is a noun and takes の. No spaces.
const JA_SHAPE: Record<Shape, string> = { circle: '円', square: '正方形', triangle: '三角形' };
const JA_COLOR_ADJ: Record<Color, string> = { red: '赤い', green: '緑の', blue: '青い', yellow: '黄色い' };
const JA_COLOR_NOUN: Record<Color, string> = { red: '赤', green: '緑', blue: '青', yellow: '黄色' };
const JA_SIZE: Record<Size, string> = { small: '小さい', large: '大きい' };
const JA_POS: Record<Position, string> = {
  'top left': '左上', top: '上', 'top right': '右上', left: '左', center: '中央', right: '右', 'bottom left': '左下', bottom: '下', 'bottom right': '右下',
};
const ja: Grammar = {
  phrase: (o) => `${JA_POS[o.position]}に${JA_SIZE[o.size]}${JA_COLOR_ADJ[o.color]}${JA_SHAPE[o.shape]}`,
  join: (p) => `${p.join('、')}があります。`,
  question: (id, s) =>
    ({
      color: () => `${JA_SHAPE[s.shape!]}は何色ですか？`,
      shape_at: () => `${JA_POS[s.position!]}にある図形は何ですか？`,
      count_shape: () => `${JA_SHAPE[s.shape!]}はいくつありますか？`,
      count_all: () => '図形は全部でいくつありますか？',
      exists: () => `${JA_COLOR_ADJ[s.color!]}${JA_SHAPE[s.shape!]}はありますか？`,
      where: () => `${JA_COLOR_ADJ[s.color!]}${JA_SHAPE[s.shape!]}はどこにありますか？`,
      size: () => `${JA_COLOR_ADJ[s.color!]}${JA_SHAPE[s.shape!]}の大きさはどのくらいですか？`,
    })[id](),
  answer: (v) =>
    v.kind === 'color' ? JA_COLOR_NOUN[v.color] : v.kind === 'shape' ? (v.shape ? JA_SHAPE[v.shape] : 'なし') : v.kind === 'count' ? `${v.n}個` : v.kind === 'yesno' ? (v.yes ? 'はい' : 'いいえ') : v.kind === 'position' ? JA_POS[v.position] : JA_SIZE[v.size],
};

// Chinese: measure word 个; colours as 红色 etc.; sizes 大/小 with 的 in a noun phrase. No spaces.
const ZH_SHAPE: Record<Shape, string> = { circle: '圆形', square: '正方形', triangle: '三角形' };
const ZH_COLOR: Record<Color, string> = { red: '红色', green: '绿色', blue: '蓝色', yellow: '黄色' };
const ZH_SIZE: Record<Size, string> = { small: '小', large: '大' };
const ZH_POS: Record<Position, string> = {
  'top left': '左上角', top: '上方', 'top right': '右上角', left: '左边', center: '中间', right: '右边', 'bottom left': '左下角', bottom: '下方', 'bottom right': '右下角',
};
const zh: Grammar = {
  phrase: (o) => `${ZH_POS[o.position]}有一个${ZH_SIZE[o.size]}的${ZH_COLOR[o.color]}${ZH_SHAPE[o.shape]}`,
  join: (p) => `${p.join('，')}。`,
  question: (id, s) =>
    ({
      color: () => `${ZH_SHAPE[s.shape!]}是什么颜色？`,
      shape_at: () => `${ZH_POS[s.position!]}是什么形状？`,
      count_shape: () => `有几个${ZH_SHAPE[s.shape!]}？`,
      count_all: () => '一共有几个图形？',
      exists: () => `有${ZH_COLOR[s.color!]}的${ZH_SHAPE[s.shape!]}吗？`,
      where: () => `${ZH_COLOR[s.color!]}的${ZH_SHAPE[s.shape!]}在哪里？`,
      size: () => `${ZH_COLOR[s.color!]}的${ZH_SHAPE[s.shape!]}是大还是小？`,
    })[id](),
  answer: (v) =>
    v.kind === 'color' ? ZH_COLOR[v.color] : v.kind === 'shape' ? (v.shape ? ZH_SHAPE[v.shape] : '没有') : v.kind === 'count' ? `${v.n}个` : v.kind === 'yesno' ? (v.yes ? '有' : '没有') : v.kind === 'position' ? ZH_POS[v.position] : ZH_SIZE[v.size],
};

const GRAMMARS: Readonly<Record<Language, Grammar>> = { en, es, fr, de, ja, zh };

/** The caption of a scene in `lang` (objects in reading order). */
export function captionIn(scene: SceneGraph, lang: Language): string {
  const g = GRAMMARS[lang];
  return g.join([...scene.objects].sort((a, b) => a.cell - b.cell).map((o) => g.phrase(o)));
}

/** A drawn VQA item's question and answer in `lang`. */
export function vqaIn(item: Pick<VqaItem, 'templateId' | 'slots' | 'value'>, lang: Language): { question: string; answer: string } {
  const g = GRAMMARS[lang];
  return { question: g.question(item.templateId, item.slots), answer: g.answer(item.value) };
}

/** Every answer string a language can give, by meaning (for tokenizer coverage and tests). */
export function answerIn(value: VqaValue, lang: Language): string {
  return GRAMMARS[lang].answer(value);
}

/** The phrase of one object in `lang`. */
export function phraseIn(o: Pick<SceneObject, 'size' | 'color' | 'shape' | 'position'>, lang: Language): string {
  return GRAMMARS[lang].phrase(o);
}
