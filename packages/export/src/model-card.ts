/** README.md of an ONNX export: files, inputs and outputs, how projections are stored, how to drive generation. */
import type { OnnxConfig } from './onnx/export-onnx.js';

export function modelCard(config: Record<string, unknown>, onnx: OnnxConfig, nodeCounts: Record<string, number>): string {
  const p = onnx.projections;
  const d = onnx.decoder;
  const g = onnx.generation;
  const enc = (k: 'scene' | 'text') => {
    const e = onnx.encoders[k];
    return `| \`${e.file}\` | \`${e.input}\` float32 [batch, ${e.imageSize[0]}, ${e.imageSize[1]}, 3] in [0, 1] | ${e.outputs.map((o) => `\`${o}\``).join(', ')} ([batch, ${e.tokens}, …]) | ${nodeCounts[e.file]} |`;
  };
  const storage =
    p.kind === 'float'
      ? 'Every projection is float32 (Gemm, or MatMul + Add).'
      : p.kind === 'dequantize'
        ? [
            `Projections hold ${p.bits}-bit codes (blocks of ${p.blockSize} along K, ŵ = scale·q + min) unpacked inside the graph:`,
            '`Mod(BitShift(codes), 2^bits)`, Cast, ·scale + min, Transpose, then a float MatMul. Every input of the unpacking is an',
            'initializer, so onnxruntime folds it to float32 weights when the session is created: the file is packed-size, memory',
            'and speed are float32\'s. Embeddings, norms, biases and position tables are float32.',
          ].join('\n')
        : [
            `Projections are \`com.microsoft\` **MatMulNBits**, bits = ${p.bits}, block_size = ${p.blockSize}, accuracy_level = ${p.accuracyLevel}.`,
            'mobile-mm weights are asymmetric per block of K (ŵ = scale·q + min); MatMulNBits computes (q − zp)·scale with an integer zero point,',
            'so each projection is MatMulNBits with **uint8 zero points of 0** plus the min term `MatMul(MatMul(x, G), minsᵀ)`,',
            'where G [K, blocks] is the 0/1 block indicator (Σ of x over each block) and mins [blocks, N] the block minima; bias is added after.',
            "The codes are the checkpoint's own bytes (B [N, blocks, block·bits/8], lowest k in the lowest bits).",
            'Embeddings, norms, biases and position tables are float32.',
          ].join('\n');
  return `# mobile-mm vision-language model, ONNX export

Exported by \`mobile-mm export --format onnx\` from \`${String((config.export as { from?: string })?.from ?? '?')}\`.
IR version ${onnx.irVersion}; opsets: ai.onnx ${onnx.opset['ai.onnx']}${onnx.opset['com.microsoft'] ? `, com.microsoft ${onnx.opset['com.microsoft']}` : ''}.
Tested with onnxruntime-node 1.30.0 (CPU) and onnxruntime-web 1.31.1 (wasm).

| file | input | outputs | nodes |
|---|---|---|---:|
${enc('scene')}
${enc('text')}
| \`${d.file}\` | \`input_ids\` int64 [batch, T], \`encoder_hidden_states\`, \`past_key_values.{i}.{decoder,encoder}.{key,value}\` | \`logits\` [batch, T, ${d.vocabSize}], \`present.{i}.…\` | ${nodeCounts[d.file]} |

## Projections

${storage}

## Generation

The decoder is one step with a KV cache (${d.layers} layers, ${d.numHeads} heads of ${d.headDim}; K/V are [batch, heads, tokens, ${d.headDim}]):

1. \`memory = encoder_<kind>(pixel_values)\` (scenes 64×64, text lines 32×128, RGB in [0, 1], NHWC).
2. First step: \`input_ids\` = \`<bos>\` (${g.bosTokenId}) prompt words \`<sep>\` (${g.sepTokenId}) — prompts: ${Object.entries(g.prompts)
    .map(([k, v]) => `${k} → "${v}"`)
    .join(', ')}, VQA: the question — with \`encoder_hidden_states\` = memory and every \`past_key_values.*\` empty ([batch, ${d.numHeads}, 0, ${d.headDim}]).
3. Next steps: the argmax token of the last position as \`input_ids\` [batch, 1], \`encoder_hidden_states\` [batch, 0, ${d.dim}], and every \`present.*\` fed back as \`past_key_values.*\` (the cross K/V were projected once).
4. Stop at \`<eos>\` (${g.eosTokenId}), after the task's token budget (${Object.entries(g.maxNewTokens)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ')}), or at ${d.maxLength} tokens in all. Decode with tokenizer.json (words; OCR answers are characters).
${g.ctc ? `\nOCR in one pass: \`${g.ctc.output}\` of \`encoder_text.onnx\` is [batch, columns, 1 + ${g.ctc.ocrChars.length}] log-probabilities; take the argmax per column, merge repeats, drop the blank (class 0); class c is character c − 1 of \`onnx.generation.ctc.ocrChars\` in config.json.\n` : ''}
\`@mobile-mm/export/onnx-runtime\`'s \`OnnxVisionModel\` does all of this with either runtime.
`;
}
