// opentype.js ships no types; this package only calls parse() (see createRasterRenderer).
declare module 'opentype.js';
