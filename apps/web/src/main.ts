/**
 * The page: pick an image (a sample, a file, a photo, drag and drop, paste),
 * a task (caption, OCR, a question), run it; the answer streams into an
 * aria-live region token by token, with the timings of each stage, the
 * backend that answered, the weights and the memory tfjs holds.
 *
 * The model is a ResilientMobileMM (backend fallback webgpu → webgl → wasm → cpu;
 * the chosen backend goes first), loaded from this site's /models/ folder
 * with a progress bar; changing the weights, backend or profile reloads it.
 * Errors go through messages.ts only.
 */
import './style.css';
import { ResilientMobileMM, isMobileMMError, useMessageLanguage, type BackendSwitch, type ImageInput, type ResilientResult } from 'mobile-mm';
import { describeError } from './messages.js';
import { keepModelsOffline, modelsCached, serviceWorkerControl } from './offline.js';

/** Set in vite.config.ts: the models' folder, named by a hash of their bytes. */
declare const __MODEL_BASE__: string;

type Variant = 'int2' | 'fp32';
type BackendChoice = 'auto' | 'webgl' | 'wasm' | 'cpu';
type Profile = 'fast' | 'balanced' | 'accuracy';
type TaskName = 'caption' | 'ocr' | 'vqa';

interface Sample {
  file: string;
  kind: 'scene' | 'text';
  caption?: string;
  text?: string;
  vqa?: { question: string; answer: string };
}

// One user per page: every error message (the facade's, the resilience layer's) in the browser's language,
// and the answers too (the facade reads navigator.languages). Loads that language's catalogue chunk only.
const messagesReady = useMessageLanguage(navigator.languages?.[0] ?? navigator.language ?? 'en');

// tfjs-backend-wasm finds its binaries here (precached by the service worker).
(globalThis as { MOBILE_MM_WASM_PATH?: string }).MOBILE_MM_WASM_PATH = new URL('wasm/', location.href).href;

const $ = <T extends HTMLElement>(id: string): T => {
  const el = document.getElementById(id);
  if (el === null) throw new Error(`#${id} is missing from index.html`);
  return el as T;
};

const ui = {
  variant: $<HTMLSelectElement>('variant'),
  backend: $<HTMLSelectElement>('backend'),
  profile: $<HTMLSelectElement>('profile'),
  progress: $<HTMLProgressElement>('progress'),
  progressText: $('progress-text'),
  activeBackend: $('active-backend'),
  activeVariant: $('active-variant'),
  memory: $('memory'),
  switchNote: $('switch-note'),
  offline: $('offline'),
  samples: $('samples'),
  file: $<HTMLInputElement>('file'),
  camera: $<HTMLInputElement>('camera'),
  drop: $('drop'),
  preview: $<HTMLImageElement>('preview'),
  imageName: $('image-name'),
  question: $<HTMLInputElement>('question'),
  run: $<HTMLButtonElement>('run'),
  answer: $<HTMLOutputElement>('answer'),
  error: $('error'),
  errorCode: $('error-code'),
  errorMessage: $('error-message'),
  errorHint: $('error-hint'),
  notes: $('call-notes'),
  t: { load: $('t-load'), pre: $('t-pre'), enc: $('t-enc'), dec: $('t-dec'), total: $('t-total'), first: $('t-first') },
};

const modelBase = new URL(__MODEL_BASE__, location.href);
const folderOf = (v: Variant): URL => new URL(`tiny-${v}/`, modelBase);

const state = {
  mm: null as ResilientMobileMM | null,
  loadedKey: '',
  loading: null as Promise<ResilientMobileMM> | null,
  image: null as { bytes: Uint8Array; name: string } | null,
  running: false,
  firstAnswerShown: false,
  swControls: false,
};

const fmtBytes = (n: number): string => (n >= 1024 * 1024 ? `${(n / 1024 / 1024).toFixed(2)} MB` : `${(n / 1024).toFixed(0)} KB`);
const ms = (n: number): string => n.toFixed(1);

function setBusy(what: 'loading' | 'ready' | 'running' | 'error'): void {
  document.body.dataset.state = what;
  ui.run.disabled = what === 'loading' || what === 'running' || state.image === null || state.mm === null;
}

/** The single place errors are shown (text from messages.ts). */
function showError(e: unknown): void {
  const shown = describeError(e);
  ui.error.hidden = false;
  ui.error.dataset.code = shown.code;
  ui.errorCode.textContent = shown.code;
  ui.errorMessage.textContent = shown.message;
  ui.errorHint.textContent = shown.hint;
}

function clearError(): void {
  ui.error.hidden = true;
  delete ui.error.dataset.code;
}

function showHealth(): void {
  const mm = state.mm;
  if (mm === null) return;
  const h = mm.health();
  const inst = h.backends.find((b) => b.backend === h.active)?.instance ?? h.backends.find((b) => b.instance !== null)?.instance ?? null;
  ui.activeBackend.textContent = h.active;
  ui.activeBackend.dataset.backend = h.active;
  if (inst !== null) {
    ui.activeVariant.textContent = `${inst.variant} (${inst.model.name}, ${(inst.model.parameters / 1e6).toFixed(2)}M parameters, ${fmtBytes(inst.model.weightBytes)} of weights)`;
    ui.memory.textContent = `${fmtBytes(inst.memory.numBytes)} in ${inst.memory.numTensors} tensors`;
  }
}

function settingsKey(): string {
  return `${ui.variant.value}|${ui.backend.value}|${ui.profile.value}`;
}

/** The model for the current settings: reuses the loaded one, else (re)loads with the progress bar. */
async function model(): Promise<ResilientMobileMM> {
  const key = settingsKey();
  if (state.mm !== null && state.loadedKey === key) return state.mm;
  if (state.loading !== null) {
    await state.loading.catch(() => undefined);
    return model();
  }
  const variant = ui.variant.value as Variant;
  const backend = ui.backend.value as BackendChoice;
  const profile = ui.profile.value as Profile;
  setBusy('loading');
  ui.progress.value = 0;
  ui.progress.removeAttribute('value'); // indeterminate until the sizes are known
  ui.progressText.textContent = `Loading the ${variant} model…`;
  const old = state.mm;
  state.mm = null;
  const t0 = performance.now();
  state.loading = (async () => {
    await old?.dispose();
    await messagesReady;
    const mm = await ResilientMobileMM.create({
      backend,
      variant,
      profile,
      modelDir: folderOf(variant).href,
      onProgress: (p) => {
        if (p.total !== null && p.total > 0) ui.progress.value = p.loaded / p.total;
        ui.progressText.textContent = `Downloading the ${variant} model: ${fmtBytes(p.loaded)}${p.total !== null ? ` of ${fmtBytes(p.total)}` : ''} (${p.filesDone}/${p.files} files)`;
      },
    });
    mm.events.addEventListener('backendswitch', (e) => {
      const d = (e as CustomEvent<BackendSwitch>).detail;
      ui.switchNote.hidden = false;
      ui.switchNote.textContent = `Switched from ${d.from} to ${d.to}: ${d.reason}.`;
      showHealth();
    });
    return mm;
  })();
  try {
    const mm = await state.loading;
    state.mm = mm;
    state.loadedKey = key;
    ui.progress.value = 1;
    ui.progressText.textContent = `The ${variant} model is ready.`;
    ui.t.load.textContent = ms(performance.now() - t0);
    document.body.dataset.readyMs ??= ms(performance.now()); // since navigation: the first time a model was ready
    showHealth();
    setBusy('ready');
    void offlineStatus();
    return mm;
  } catch (e) {
    ui.progress.value = 0;
    ui.progressText.textContent = 'The model could not be loaded.';
    showError(e);
    setBusy('error');
    throw e;
  } finally {
    state.loading = null;
  }
}

/** Keeps both weights in the cache once the page is controlled, and says whether the page works offline. */
async function offlineStatus(): Promise<void> {
  const folders = [folderOf('int2'), folderOf('fp32')];
  if (!state.swControls) {
    ui.offline.dataset.state = 'pending';
    ui.offline.textContent = !import.meta.env.PROD
      ? 'Offline use: production builds only.'
      : 'serviceWorker' in navigator
        ? 'Preparing offline use…'
        : 'Offline use is not available in this browser.';
    return;
  }
  try {
    if (!navigator.onLine && (await modelsCached(folders))) {
      ui.offline.dataset.state = 'offline';
      ui.offline.textContent = 'Offline: running from the cache.';
      return;
    }
    await keepModelsOffline(modelBase, folders);
    ui.offline.dataset.state = 'ready';
    ui.offline.textContent = 'Ready to work offline.';
  } catch {
    ui.offline.dataset.state = (await modelsCached(folders).catch(() => false)) ? 'ready' : 'pending';
    ui.offline.textContent = ui.offline.dataset.state === 'ready' ? 'Ready to work offline.' : 'Offline use: the other weights are not cached yet.';
  }
}

function task(): TaskName {
  return (document.querySelector<HTMLInputElement>('input[name="task"]:checked')?.value ?? 'caption') as TaskName;
}

function setTask(t: TaskName): void {
  const radio = document.querySelector<HTMLInputElement>(`input[name="task"][value="${t}"]`);
  if (radio) radio.checked = true;
  ui.question.disabled = t !== 'vqa';
}

function setImage(bytes: Uint8Array, name: string, type: string): void {
  state.image = { bytes, name };
  const url = URL.createObjectURL(new Blob([bytes as BlobPart], { type: type || 'application/octet-stream' }));
  ui.preview.onload = () => URL.revokeObjectURL(url);
  ui.preview.onerror = () => URL.revokeObjectURL(url);
  ui.preview.src = url;
  ui.preview.alt = `The chosen image: ${name}`;
  ui.preview.hidden = false;
  ui.imageName.textContent = `Image: ${name} (${fmtBytes(bytes.length)})`;
  clearError();
  if (!state.running) setBusy(state.mm !== null ? 'ready' : state.loading !== null ? 'loading' : 'error');
}

async function takeFile(file: File | null | undefined): Promise<void> {
  if (!file) return;
  setImage(new Uint8Array(await file.arrayBuffer()), file.name || 'pasted image', file.type);
  for (const b of ui.samples.querySelectorAll('button')) b.setAttribute('aria-pressed', 'false');
}

async function loadSamples(): Promise<void> {
  const res = await fetch(new URL('samples/samples.json', location.href));
  const { samples } = (await res.json()) as { samples: Sample[] };
  for (const s of samples) {
    const b = document.createElement('button');
    b.type = 'button';
    b.className = 'sample';
    b.dataset.file = s.file;
    b.dataset.kind = s.kind;
    b.setAttribute('aria-pressed', 'false');
    const img = document.createElement('img');
    img.src = `samples/${s.file}`;
    img.alt = '';
    const label = document.createElement('span');
    label.textContent = s.kind === 'text' ? `text ${s.file.match(/\d+/)?.[0]}` : `scene ${s.file.match(/\d+/)?.[0]}`;
    b.setAttribute('aria-label', `Sample ${label.textContent}`);
    b.append(img, label);
    b.addEventListener('click', async () => {
      const bytes = new Uint8Array(await (await fetch(`samples/${s.file}`)).arrayBuffer());
      setImage(bytes, `sample ${s.file}`, 'image/png');
      for (const other of ui.samples.querySelectorAll('button')) other.setAttribute('aria-pressed', String(other === b));
      if (s.kind === 'text') setTask('ocr');
      else {
        if (task() === 'ocr') setTask('caption');
        if (s.vqa) ui.question.value = s.vqa.question;
      }
    });
    ui.samples.append(b);
  }
}

async function run(): Promise<void> {
  if (state.running || state.image === null) return;
  state.running = true;
  clearError();
  ui.notes.textContent = '';
  ui.answer.textContent = '';
  ui.answer.setAttribute('aria-busy', 'true');
  try {
    const mm = await model();
    setBusy('running');
    const t = task();
    const bytes = state.image.bytes;
    // Each token is its own text node: the answer visibly grows, and the live region announces it whole (aria-busy).
    const onToken = (tok: { text: string; index: number }): void => {
      if (tok.index === 0) ui.answer.textContent = ''; // a fallback to another backend starts over
      ui.answer.append(document.createTextNode(tok.text));
    };
    const call = (image: ImageInput): Promise<ResilientResult> =>
      t === 'caption' ? mm.caption(image, { onToken }) : t === 'ocr' ? mm.ocr(image, { onToken }) : mm.vqa(image, ui.question.value, { onToken });
    let r: ResilientResult;
    let decodedHere = '';
    try {
      r = await call(bytes); // PNG/JPEG bytes as they are: decoded by the library, as in Node
    } catch (e) {
      // A phone photo over the pixel limit, or a format the library does not read (WebP, HEIC, ...): let the browser decode and scale it.
      if (!isMobileMMError(e, 'IMAGE_TOO_LARGE') && !isMobileMMError(e, 'IMAGE_UNSUPPORTED_FORMAT')) throw e;
      const pixels = await decodeInBrowser(bytes).catch(() => null);
      if (pixels === null) throw e;
      decodedHere = ` Decoded and scaled to ${pixels.width}×${pixels.height} by the browser (${describeError(e).code} from the library).`;
      r = await call(pixels);
    }
    ui.answer.textContent = r.text;
    ui.answer.dataset.task = t;
    ui.t.pre.textContent = ms(r.timings.preprocessMs);
    ui.t.enc.textContent = ms(r.timings.encodeMs);
    ui.t.dec.textContent = ms(r.timings.decodeMs);
    ui.t.total.textContent = ms(r.timings.totalMs);
    if (!state.firstAnswerShown) {
      state.firstAnswerShown = true;
      ui.t.first.textContent = ms(performance.now());
    }
    const notes = [...r.notes, ...(r.outOfVocabulary.length > 0 ? [`Words the model does not know: ${r.outOfVocabulary.join(', ')}.`] : [])];
    ui.notes.textContent = `${r.backend}, ${r.variant}, ${r.profile}${r.cached ? ', image features from the cache' : ''}.${decodedHere} ${notes.join(' ')}`.trim();
    showHealth();
    setBusy('ready');
  } catch (e) {
    ui.answer.textContent = '';
    showError(e);
    showHealth();
    setBusy(state.mm === null ? 'error' : 'ready');
  } finally {
    ui.answer.setAttribute('aria-busy', 'false');
    state.running = false;
    setBusy(state.mm === null ? 'error' : 'ready');
  }
}

/** Longest side the browser scales a picture to before the model sees it (the model reads 64×64 scenes and 32×128 lines). */
const BROWSER_DECODE_MAX_SIDE = 512;

/** Decodes any image the browser can show, scaled to at most BROWSER_DECODE_MAX_SIDE, as RGBA pixels. */
async function decodeInBrowser(bytes: Uint8Array): Promise<{ data: Uint8Array; width: number; height: number }> {
  const bitmap = await createImageBitmap(new Blob([bytes as BlobPart]));
  try {
    const scale = Math.min(1, BROWSER_DECODE_MAX_SIDE / Math.max(bitmap.width, bitmap.height));
    const width = Math.max(1, Math.round(bitmap.width * scale));
    const height = Math.max(1, Math.round(bitmap.height * scale));
    const canvas = document.createElement('canvas');
    canvas.width = width;
    canvas.height = height;
    const ctx = canvas.getContext('2d');
    if (ctx === null) throw new Error('no 2D canvas');
    ctx.drawImage(bitmap, 0, 0, width, height);
    const { data } = ctx.getImageData(0, 0, width, height);
    return { data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength), width, height };
  } finally {
    bitmap.close();
  }
}

function wire(): void {
  for (const r of document.querySelectorAll<HTMLInputElement>('input[name="task"]')) r.addEventListener('change', () => setTask(task()));
  ui.run.addEventListener('click', () => void run());
  ui.question.addEventListener('keydown', (e) => {
    if (e.key === 'Enter') void run();
  });
  for (const sel of [ui.variant, ui.backend, ui.profile]) sel.addEventListener('change', () => void model().catch(() => undefined));
  ui.file.addEventListener('change', () => void takeFile(ui.file.files?.[0]));
  ui.camera.addEventListener('change', () => void takeFile(ui.camera.files?.[0]));
  ui.drop.addEventListener('dragover', (e) => {
    e.preventDefault();
    ui.drop.classList.add('over');
  });
  ui.drop.addEventListener('dragleave', () => ui.drop.classList.remove('over'));
  ui.drop.addEventListener('drop', (e) => {
    e.preventDefault();
    ui.drop.classList.remove('over');
    void takeFile(e.dataTransfer?.files?.[0]);
  });
  ui.drop.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      ui.file.click();
    }
  });
  document.addEventListener('paste', (e) => {
    const item = [...(e.clipboardData?.items ?? [])].find((i) => i.kind === 'file');
    if (item) void takeFile(item.getAsFile());
  });
  window.addEventListener('online', () => void offlineStatus());
  window.addEventListener('offline', () => void offlineStatus());
}

/** ?variant=fp32&backend=wasm&profile=fast preselects the settings (a link that opens the app set up). */
function settingsFromQuery(): void {
  const q = new URLSearchParams(location.search);
  for (const [name, sel] of [['variant', ui.variant], ['backend', ui.backend], ['profile', ui.profile]] as const) {
    const v = q.get(name);
    if (v !== null && [...sel.options].some((o) => o.value === v)) sel.value = v;
  }
}

async function start(): Promise<void> {
  settingsFromQuery();
  wire();
  setTask('caption');
  setBusy('loading');
  await loadSamples().catch(showError);
  // First visit: let the service worker take control first, so the model download fills its cache.
  state.swControls = await serviceWorkerControl(8000);
  if (!state.swControls && 'serviceWorker' in navigator && import.meta.env.PROD) {
    // It took longer than the wait (a slow first visit): fill the cache once it does take control.
    navigator.serviceWorker.addEventListener('controllerchange', () => {
      state.swControls = true;
      if (state.mm !== null) void offlineStatus();
    });
  }
  await model().catch(() => undefined);
}

void start();
