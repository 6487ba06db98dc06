export * from './errors.js';
export { isNode, importNodeBuiltin } from './env.js';
export * from './backend/setup.js';
export * from './backend/wasm-fixes.js';
export * from './layers/index.js';
export * from './models/index.js';
export * from './tokenizer/index.js';
export * from './io/index.js';
export * from './generation/index.js';
