/**
 * Scores of SynthScenes v1 (spec, "Scoring").
 *
 * - exact match: equal after trimming leading/trailing whitespace, case sensitive.
 * - corpus BLEU-4 (Papineni et al. 2002), one reference per hypothesis, no
 *   smoothing: p_n = Σ clipped n-gram matches / Σ hypothesis n-grams over the
 *   whole corpus (n = 1..4); BLEU = BP · exp(¼ Σ log p_n), 0 when any p_n is 0;
 *   BP = 1 if c > r else exp(1 − r/c), c and r the corpus hypothesis and
 *   reference lengths in tokens. Tokens: split at spaces, with `,` and `.` as
 *   tokens of their own.
 * - CER: Σ Levenshtein(hyp, ref) / Σ |ref|, over Unicode code points of the
 *   trimmed strings.
 * - VQA accuracy: exact-match rate overall and per template id.
 */
import { MobileMMError } from '@mobile-mm/core';

export function exactMatch(prediction: string, reference: string): boolean {
  return prediction.trim() === reference.trim();
}

function checkPairs(predictions: readonly string[], references: readonly string[], what: string): void {
  if (predictions.length !== references.length) {
    throw new MobileMMError(
      'INVALID_ARGUMENT',
      `${what}: ${predictions.length} predictions for ${references.length} references; accepted: equal lengths`,
    );
  }
}

/** Fraction of exact matches; 0 for an empty corpus. */
export function exactMatchRate(predictions: readonly string[], references: readonly string[]): number {
  checkPairs(predictions, references, 'exactMatchRate');
  if (references.length === 0) return 0;
  let hits = 0;
  for (let i = 0; i < references.length; i++) if (exactMatch(predictions[i], references[i])) hits++;
  return hits / references.length;
}

/**
 * Kana, CJK ideographs and CJK/full-width punctuation: scripts written without
 * spaces, where BLEU counts characters (as sacreBLEU's `zh` tokenizer does),
 * since a whole ja/zh caption would otherwise be one token.
 */
const UNSPACED_CHAR = /([\u3000-\u303f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef])/g;

/** BLEU tokens: split at whitespace, `,` and `.` are tokens of their own, and so is each kana, CJK ideograph or CJK punctuation mark. */
export function bleuTokens(text: string): string[] {
  return text
    .replace(/([,.])/g, ' $1 ')
    .replace(UNSPACED_CHAR, ' $1 ')
    .split(/\s+/)
    .filter((t) => t.length > 0);
}

function ngramCounts(tokens: readonly string[], n: number): Map<string, number> {
  const counts = new Map<string, number>();
  for (let i = 0; i + n <= tokens.length; i++) {
    const key = tokens.slice(i, i + n).join('\u0000');
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}

export interface BleuResult {
  bleu: number;
  /** Modified precisions p_1..p_4. */
  precisions: number[];
  /** Clipped matches and hypothesis n-gram totals per order. */
  matches: number[];
  totals: number[];
  brevityPenalty: number;
  hypLength: number;
  refLength: number;
}

export function corpusBleu(hypotheses: readonly string[], references: readonly string[], maxOrder = 4): BleuResult {
  checkPairs(hypotheses, references, 'corpusBleu');
  const matches = new Array<number>(maxOrder).fill(0);
  const totals = new Array<number>(maxOrder).fill(0);
  let c = 0;
  let r = 0;
  for (let i = 0; i < hypotheses.length; i++) {
    const hyp = bleuTokens(hypotheses[i]);
    const ref = bleuTokens(references[i]);
    c += hyp.length;
    r += ref.length;
    for (let n = 1; n <= maxOrder; n++) {
      const refCounts = ngramCounts(ref, n);
      for (const [gram, count] of ngramCounts(hyp, n)) {
        matches[n - 1] += Math.min(count, refCounts.get(gram) ?? 0);
        totals[n - 1] += count;
      }
    }
  }
  const precisions = matches.map((m, k) => (totals[k] > 0 ? m / totals[k] : 0));
  const brevityPenalty = c === 0 ? 0 : c > r ? 1 : Math.exp(1 - r / c);
  let bleu = 0;
  if (precisions.every((p) => p > 0)) {
    const logMean = precisions.reduce((s, p) => s + Math.log(p), 0) / maxOrder;
    bleu = brevityPenalty * Math.exp(logMean);
  }
  return { bleu, precisions, matches, totals, brevityPenalty, hypLength: c, refLength: r };
}

/** Edit distance (insert, delete, substitute; cost 1 each) over code points. */
export function levenshtein(a: string, b: string): number {
  const s = Array.from(a);
  const t = Array.from(b);
  if (s.length === 0) return t.length;
  if (t.length === 0) return s.length;
  let prev = new Array<number>(t.length + 1);
  let cur = new Array<number>(t.length + 1);
  for (let j = 0; j <= t.length; j++) prev[j] = j;
  for (let i = 1; i <= s.length; i++) {
    cur[0] = i;
    for (let j = 1; j <= t.length; j++) {
      const sub = prev[j - 1] + (s[i - 1] === t[j - 1] ? 0 : 1);
      cur[j] = Math.min(sub, prev[j] + 1, cur[j - 1] + 1);
    }
    [prev, cur] = [cur, prev];
  }
  return prev[t.length];
}

export interface CerResult {
  cer: number;
  distance: number;
  refChars: number;
}

/** Corpus character error rate over trimmed strings. */
export function corpusCer(hypotheses: readonly string[], references: readonly string[]): CerResult {
  checkPairs(hypotheses, references, 'corpusCer');
  let distance = 0;
  let refChars = 0;
  for (let i = 0; i < references.length; i++) {
    const ref = references[i].trim();
    distance += levenshtein(hypotheses[i].trim(), ref);
    refChars += Array.from(ref).length;
  }
  if (refChars === 0) {
    throw new MobileMMError('INVALID_ARGUMENT', 'corpusCer: the references hold no characters; accepted: at least one non-empty reference');
  }
  return { cer: distance / refChars, distance, refChars };
}

export interface VqaScoreItem {
  templateId: string;
  prediction: string;
  answer: string;
}

export interface AccuracyCount {
  accuracy: number;
  correct: number;
  count: number;
}

export interface VqaAccuracy extends AccuracyCount {
  perTemplate: Record<string, AccuracyCount>;
}

export function vqaAccuracy(items: readonly VqaScoreItem[]): VqaAccuracy {
  const per: Record<string, AccuracyCount> = {};
  let correct = 0;
  for (const item of items) {
    const ok = exactMatch(item.prediction, item.answer);
    if (ok) correct++;
    const slot = (per[item.templateId] ??= { accuracy: 0, correct: 0, count: 0 });
    slot.count++;
    if (ok) slot.correct++;
  }
  for (const slot of Object.values(per)) slot.accuracy = slot.correct / slot.count;
  return { accuracy: items.length ? correct / items.length : 0, correct, count: items.length, perTemplate: per };
}
