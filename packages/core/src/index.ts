export * from './errors.js';
export { isNode } from './env.js';
export * from './backend/setup.js';
export { registerWasmFixes } from './backend/wasm-fixes.js';
