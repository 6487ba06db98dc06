// Filled in by the wasm-fixes work (UnsortedSegmentSum + fast BatchMatMul on wasm).
export function registerWasmFixes(): void {}
