/** Metrics on hand-made cases whose answers are worked out in the comments. */
import { describe, expect, it } from 'vitest';
import { bleuTokens, corpusBleu, corpusCer, exactMatch, exactMatchRate, levenshtein, vqaAccuracy } from './metrics.js';

describe('exact match', () => {
  it('trims, is case sensitive', () => {
    expect(exactMatch(' yes\n', 'yes')).toBe(true);
    expect(exactMatch('Yes', 'yes')).toBe(false);
    expect(exactMatch('top  left', 'top left')).toBe(false);
    expect(exactMatchRate(['a', 'b ', 'C'], ['a', 'b', 'c'])).toBeCloseTo(2 / 3, 12);
    expect(() => exactMatchRate(['a'], [])).toThrow(/equal lengths/);
  });
});

describe('corpus BLEU-4', () => {
  it('tokenises at spaces with , and . as tokens', () => {
    expect(bleuTokens('a large red circle at the top left, a small blue square.')).toEqual(
      ['a', 'large', 'red', 'circle', 'at', 'the', 'top', 'left', ',', 'a', 'small', 'blue', 'square', '.'],
    );
  });

  it('counts each kana, ideograph and CJK punctuation mark as a token (ja/zh have no spaces); Latin words stay whole', () => {
    expect(bleuTokens('左上に大きい赤い丸。')).toEqual(['左', '上', 'に', '大', 'き', 'い', '赤', 'い', '丸', '。']);
    expect(bleuTokens('左上有一个红色的大圆，中间有一个小方块。')).toHaveLength(20);
    expect(bleuTokens('un grand cercle rouge en haut à gauche.')).toEqual(['un', 'grand', 'cercle', 'rouge', 'en', 'haut', 'à', 'gauche', '.']);
    // a one-character slip in a ja caption costs some n-grams, not the whole sentence
    const r = corpusBleu(['左上に大きい青い丸。'], ['左上に大きい赤い丸。']);
    expect(r.bleu).toBeGreaterThan(0);
    expect(r.matches[0]).toBe(9);
  });

  it('is 1 for a perfect match', () => {
    const c = 'a large red circle at the top left, a small blue square at the center and a small yellow triangle at the bottom right.';
    const r = corpusBleu([c, 'a small green circle at the top.'], [c, 'a small green circle at the top.']);
    expect(r.bleu).toBe(1);
    expect(r.precisions).toEqual([1, 1, 1, 1]);
    expect(r.brevityPenalty).toBe(1);
  });

  it('the cat sat on the mat: precisions 6/7, 4/6, 2/5, 1/4', () => {
    // hyp: the cat sat on the mat .   ref: the cat is on the mat .   (7 tokens each)
    // 1-grams: the×2 cat on mat . match (6 of 7; sat does not)
    // 2-grams: "the cat" "on the" "the mat" "mat ." match (4 of 6)
    // 3-grams: "on the mat" "the mat ." match (2 of 5)
    // 4-grams: "on the mat ." matches (1 of 4); c = r = 7 so BP = 1.
    const r = corpusBleu(['the cat sat on the mat.'], ['the cat is on the mat.']);
    expect(r.matches).toEqual([6, 4, 2, 1]);
    expect(r.totals).toEqual([7, 6, 5, 4]);
    expect(r.brevityPenalty).toBe(1);
    expect(r.bleu).toBeCloseTo(Math.pow((6 / 7) * (4 / 6) * (2 / 5) * (1 / 4), 1 / 4), 12);
    expect(r.bleu).toBeCloseTo(0.488923, 6);
  });

  it('sums n-gram counts over the corpus (not a mean of sentence scores)', () => {
    // Pair 1, perfect "a b c d": 4/4, 3/3, 2/2, 1/1.
    // Pair 2, "a b c d e" vs "a b x d e": 1-grams 4/5, 2-grams (ab, de) 2/4, 3-grams 0/3, 4-grams 0/2.
    // Alone pair 2 scores 0; the corpus has p = 8/9, 5/7, 2/5, 1/3 and c = r = 9.
    const r = corpusBleu(['a b c d', 'a b c d e'], ['a b c d', 'a b x d e']);
    expect(r.matches).toEqual([8, 5, 2, 1]);
    expect(r.totals).toEqual([9, 7, 5, 3]);
    expect(r.bleu).toBeCloseTo(Math.pow((8 / 9) * (5 / 7) * (2 / 5) * (1 / 3), 1 / 4), 12);
    expect(corpusBleu(['a b c d e'], ['a b x d e']).bleu).toBe(0);
  });

  it('is 0 when any n-gram precision is 0 (no smoothing)', () => {
    // 1-3 grams match partly, the only 4-gram "a b c d" is not in "a b c e".
    const r = corpusBleu(['a b c d'], ['a b c e']);
    expect(r.precisions).toEqual([3 / 4, 2 / 3, 1 / 2, 0]);
    expect(r.bleu).toBe(0);
    // Hypotheses shorter than 4 tokens have no 4-grams: p4 = 0/0 counts as 0.
    expect(corpusBleu(['a b c'], ['a b c']).bleu).toBe(0);
  });

  it('clips counts by the reference (Papineni\'s "the the the the")', () => {
    const r = corpusBleu(['the the the the'], ['the cat']);
    expect(r.precisions[0]).toBe(1 / 4);
  });

  it('applies the brevity penalty exp(1 − r/c) when c ≤ r', () => {
    // hyp 4 tokens, all n-grams match; ref 6 tokens: BP = exp(1 − 6/4) = exp(−0.5).
    const r = corpusBleu(['the cat sat on'], ['the cat sat on the mat']);
    expect(r.precisions).toEqual([1, 1, 1, 1]);
    expect(r.hypLength).toBe(4);
    expect(r.refLength).toBe(6);
    expect(r.brevityPenalty).toBeCloseTo(Math.exp(-0.5), 12);
    expect(r.bleu).toBeCloseTo(0.6065306597, 9);
    // Longer hypotheses are not penalised: c = 7 > r = 6 gives BP = 1.
    expect(corpusBleu(['the cat sat on the mat now'], ['the cat sat on the mat']).brevityPenalty).toBe(1);
  });
});

describe('Levenshtein and CER', () => {
  it('textbook distances', () => {
    expect(levenshtein('kitten', 'sitting')).toBe(3); // k→s, e→i, +g
    expect(levenshtein('flaw', 'lawn')).toBe(2); // −f, +n
    expect(levenshtein('', 'ABC')).toBe(3);
    expect(levenshtein('ABC', '')).toBe(3);
    expect(levenshtein('AB 12', 'AB 12')).toBe(0);
    expect(levenshtein('AB12', 'BA12')).toBe(2); // no transpositions
  });

  it('corpus CER = Σ distances / Σ reference lengths', () => {
    // "ABD 12" vs "ABC 12": 1; "XYZ" vs "XY": 1; reference chars 6 + 2 = 8.
    const r = corpusCer(['ABD 12', 'XYZ'], ['ABC 12', 'XY']);
    expect(r).toEqual({ cer: 2 / 8, distance: 2, refChars: 8 });
    expect(corpusCer([' ABC 12 '], ['ABC 12']).cer).toBe(0);
    expect(() => corpusCer([''], [''])).toThrow(/non-empty/);
  });
});

describe('VQA accuracy', () => {
  it('overall and per template', () => {
    const r = vqaAccuracy([
      { templateId: 'color', prediction: 'red', answer: 'red' },
      { templateId: 'color', prediction: 'blue', answer: 'red' },
      { templateId: 'exists', prediction: 'yes ', answer: 'yes' },
      { templateId: 'where', prediction: 'Top left', answer: 'top left' },
    ]);
    expect(r.accuracy).toBe(2 / 4);
    expect(r.count).toBe(4);
    expect(r.perTemplate).toEqual({
      color: { accuracy: 0.5, correct: 1, count: 2 },
      exists: { accuracy: 1, correct: 1, count: 1 },
      where: { accuracy: 0, correct: 0, count: 1 },
    });
  });
});
