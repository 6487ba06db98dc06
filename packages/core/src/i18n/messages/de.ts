/** German (de). Keys, arguments and conventions: see en.ts. Sie-Form; „…“ quotation marks; decimal comma and grouping come from Intl. */
import type { Catalog } from './en.js';

export const de: Catalog = {
  'code.INVALID_CONFIG': 'Die Konfiguration ist ungültig.',
  'code.INVALID_SHAPE': 'Ein Tensor hat die falsche Form.',
  'code.INVALID_DTYPE': 'Ein Tensor hat den falschen Datentyp.',
  'code.INVALID_ARGUMENT': 'Ein Argument ist ungültig.',
  'code.INVALID_TOKEN': 'Eine Token-ID liegt außerhalb des Vokabulars.',
  'code.SAFETENSORS_CORRUPT': 'Die Gewichtsdatei ist beschädigt oder keine safetensors-Datei.',
  'code.WEIGHTS_MISMATCH': 'Die Gewichte passen nicht zum Modell.',
  'code.WEIGHTS_MISSING': 'Einige Gewichte des Modells fehlen.',
  'code.FILE_NOT_FOUND': 'Eine Datei wurde nicht gefunden oder kann nicht gelesen werden.',
  'code.BACKEND_UNAVAILABLE': 'Das angeforderte Rechen-Backend ist hier nicht verfügbar.',
  'code.UNSUPPORTED': 'Dieser Vorgang wird hier nicht unterstützt.',
  'code.OUT_OF_MEMORY': 'Für diesen Vorgang reicht der Speicher nicht aus.',
  'code.IMAGE_UNSUPPORTED_FORMAT': 'Das Bildformat wird nicht unterstützt; unterstützt werden PNG und JPEG.',
  'code.IMAGE_TOO_LARGE': 'Das Bild ist zu groß.',
  'code.IMAGE_CORRUPT': 'Die Bilddatei ist beschädigt und kann nicht dekodiert werden.',
  'code.IMAGE_INVALID': 'Die Bilddaten sind ungültig.',
  'code.FONT_UNAVAILABLE': 'Eine Schrift, die der Generator braucht, ist nicht verfügbar.',
  'code.RATE_LIMITED': 'Zu viele Anfragen; bitte versuchen Sie es gleich noch einmal.',
  'code.CIRCUIT_OPEN': 'Der Dienst ist nach wiederholten Fehlern pausiert; bitte versuchen Sie es später erneut.',
  'code.BULKHEAD_FULL': 'Zu viele Anfragen laufen oder warten; bitte versuchen Sie es später erneut.',
  'code.DEADLINE_EXCEEDED': 'Die Anfrage hat zu lange gedauert und wurde abgebrochen.',
  'code.ABORTED': 'Die Anfrage wurde abgebrochen.',
  'code.BACKENDS_EXHAUSTED': 'Kein Rechen-Backend konnte die Anfrage ausführen.',
  'code.CONTEXT_LOST': 'Der Grafikkontext ging verloren.',
  'code.BACKEND_UNHEALTHY': 'Das Rechen-Backend hat die Zustandsprüfung nicht bestanden.',
  'code.TENSOR_LEAK': 'Nach einem Aufruf sind Tensoren im Speicher verblieben.',
  'code.PROMPT_EMPTY': 'Die Frage ist leer.',
  'code.PROMPT_TOO_LONG': 'Die Frage ist zu lang.',
  'code.PROMPT_INVALID': 'Die Frage enthält nicht zulässigen Text.',
  'code.MODEL_NOT_FOUND': 'Das Modell wurde nicht gefunden.',
  'code.MODEL_DOWNLOAD_FAILED': 'Das Modell konnte nicht heruntergeladen werden.',
  'code.MODEL_VARIANT_MISMATCH': 'Die Modelldateien gehören nicht zur angeforderten Variante.',
  'code.DISPOSED': 'Diese Instanz wurde bereits freigegeben.',
  'code.INTERNAL': 'Ein interner Fehler ist aufgetreten.',
  'code.BODY_TOO_LARGE': 'Der Anfrageinhalt ist zu groß.',
  'code.CLIENT_CLOSED': 'Der Client hat die Verbindung geschlossen.',
  'code.INVALID_JSON': 'Der Anfrageinhalt ist kein gültiges JSON.',
  'code.INVALID_REQUEST': 'Die Anfrage ist ungültig.',
  'code.NOT_FOUND': 'Diese Route gibt es nicht.',
  'code.QUEUE_FULL': 'Der Server ist ausgelastet; bitte versuchen Sie es gleich noch einmal.',
  'code.REMOTE_IMAGE_URL': 'Bilder müssen eingebettet als data:-URL gesendet werden.',
  'code.REPLICA_CRASHED': 'Der Prozess, der die Anfrage bearbeitet hat, wurde beendet; bitte erneut senden.',
  'code.UNAUTHORIZED': 'Ein gültiger API-Schlüssel ist erforderlich.',
  'code.UNAVAILABLE': 'Der Server ist derzeit nicht verfügbar.',
  'code.UNKNOWN_MODEL': 'Dieses Modell wird hier nicht angeboten.',
  'code.UNSUPPORTED_MEDIA_TYPE': 'Dieser Medientyp wird nicht akzeptiert.',

  'error.technical': '{lead} Einzelheiten (auf Englisch): {detail}',

  'file.notFound': '{file} kann nicht gelesen werden: Die Datei existiert nicht.',
  'file.unreadable': '{file} kann nicht gelesen werden: {reason}.',
  'image.fileNotFound': 'Bilddatei {path}: Die Datei existiert nicht.',
  'image.fileUnreadable': 'Die Bilddatei {path} kann nicht gelesen werden ({reason}).',

  'image.accepted':
    "akzeptiert werden: PNG- oder JPEG-Bytes (Uint8Array, ArrayBuffer, Node-Buffer), ein Dateipfad (nur in Node), '{'data, width, height'}' mit RGBA- oder RGB-Bytes, ein ImageData oder ein tf.Tensor3D [H, W, 3|4]",
  'image.notAnImage': 'Die Eingabe ist kein Bild (erhalten: {got}); {accepted}.',
  'image.pathInBrowser': 'Dateipfade werden nur in Node akzeptiert; laden Sie die Datei im Browser selbst und übergeben Sie ihre Bytes. {accepted}.',
  'image.unknownFormat': 'Nicht unterstütztes Bildformat ({format}); dekodiert werden nur PNG und JPEG. {accepted}.',
  'image.empty': 'Die Bildeingabe ist leer (0 Bytes).',
  'image.tooManyPixels':
    'Das Bild gibt {width}×{height} = {pixels, number} Pixel an, mehr als die Grenze von {max, number} (vor dem Dekodieren geprüft); erhöhen Sie {option}, um es anzunehmen.',
  'image.tooManyBytes': 'Das Bild hat {bytes, number} Bytes, mehr als die Grenze von {max, number} Bytes; erhöhen Sie {option}, um es anzunehmen.',

  'prompt.notString': 'Die Frage muss eine Zeichenkette sein, erhalten: {got}.',
  'prompt.empty': 'Die Frage ist leer (oder besteht nur aus Leerzeichen); stellen Sie eine, z. B. „what color is the circle?“.',
  'prompt.tooLong':
    'Die Frage ist {chars, plural, one {# Zeichen} other {# Zeichen}} lang; die Grenze liegt bei {max, plural, one {# Zeichen} other {# Zeichen}} (maxPromptChars).',
  'prompt.loneSurrogate': 'Die Frage enthält ein einzelnes Surrogat {char} an Position {index, number}: Das ist kein gültiger Unicode-Text.',
  'prompt.controlChar':
    'Die Frage enthält das Steuerzeichen {char} an Position {index, number}; zulässig sind nur Tabulator, Zeilenvorschub und Wagenrücklauf (sie werden als Leerzeichen gelesen).',
  'prompt.bidiControl':
    'Die Frage enthält das bidirektionale Steuerzeichen {char} an Position {index, number}; Überschreibungen und Isolierungen (U+202A–U+202E, U+2066–U+2069) sind nicht zulässig.',

  'config.notAccepted': 'config.{field}{source}: {value} wird nicht akzeptiert; akzeptiert werden: {accepted}.',
  'config.integerRange': 'config.{field}{source}: {value} wird nicht akzeptiert; akzeptiert wird eine ganze Zahl von 1 bis {max, number}.',
  'config.notObject': 'config: Die Optionen müssen ein Objekt sein, erhalten: {got}.',
  'config.unknownOption': 'config.{field}: unbekannte Option; akzeptiert werden: {accepted}.',
  'config.envNotObject': 'config.env: muss ein Objekt mit Umgebungsvariablen sein.',
  'config.modelDir': 'config.modelDir{source}: {value} wird nicht akzeptiert; akzeptiert wird ein Ordnerpfad oder eine URL.',
  'config.localeType': 'config.locale: {value} wird nicht akzeptiert; akzeptiert wird ein Sprach-Tag wie {examples} oder fr-CA.',
  'config.onProgress': 'config.onProgress: muss eine Funktion (aufgerufen mit loaded, total, file, filesDone, files) oder undefined sein.',
  'config.telemetry': 'config.telemetry: muss ein ModelTelemetry (aus @mobile-mm/telemetry) oder false sein.',
  'config.fromEnv': ' (aus {envVar})',
  'config.strictContentCapture': 'config: MOBILE_MM_SECURITY_MODE=strict erlaubt keine Inhaltserfassung ({envVar}); entfernen Sie die Variable oder nutzen Sie den Modus standard.',

  'note.localeUnsupported': 'Das Gebietsschema {locale} ist keines von {accepted}; es wird en verwendet.',
  'note.modelLanguages': 'Dieses Modell antwortet auf {languages}; es antwortet auf en statt auf {want}.',
  'note.localeNotSpoken': 'Gebietsschema {locale}: Dieses Modell antwortet auf {languages}; die Antworten sind auf en.',
  'note.int2NotBundled': 'Das INT2-Modell (models/tiny-int2) ist noch nicht enthalten; es wird das fp32-Modell verwendet.',

  'model.notFound': 'Der Modellordner {dir} existiert nicht oder enthält keine config.json{int2, select, yes { (das INT2-Modell wurde noch nicht in dieses Paket exportiert; verwenden Sie die Variante „fp32“)} other {}}.',
  'model.incomplete': 'Der Modellordner {dir} ist unvollständig{int2, select, yes { (das INT2-Modell wurde noch nicht in dieses Paket exportiert; verwenden Sie die Variante „fp32“)} other {}}: {detail}',
  'call.disposed': '{task}: Dieses MobileMultiModalLLM wurde freigegeben; erstellen Sie ein neues.',
  'call.disposedDuring': '{task}: Dieses MobileMultiModalLLM wurde während des Aufrufs freigegeben.',
  'call.lang': '{task}: lang {value} wird nicht akzeptiert; akzeptiert werden: {accepted}.',
  'call.options': '{task}: Die Optionen müssen ein Objekt sein.',
  'call.internal': '{task}: unerwarteter Fehler: {detail}',

  'resilience.circuitOpen': '{where}Der Schutzschalter ist nach wiederholten Fehlern offen; bitte versuchen Sie es später erneut.',
  'resilience.bulkheadFull': '{where}Zu viele Anfragen laufen und warten; bitte versuchen Sie es später erneut.',
  'resilience.cancelled': '{where}Die Anfrage wurde abgebrochen, bevor sie fertig war.',
  'resilience.abortedBeforeStart': 'Die Anfrage wurde abgebrochen, bevor sie begann.',
  'resilience.deadline': 'Die Anfrage hat ihre Frist von {ms, number} ms überschritten; die Generierung wurde gestoppt und ihr Speicher freigegeben.',
  'resilience.deadlineBeforeFinish': 'Die Anfrage hat ihre Frist von {ms, number} ms überschritten, bevor sie fertig werden konnte.',
  'resilience.rateLimited': 'Der Client {client} überschreitet sein Limit ({burst, number} auf einmal, {rps, number} pro Sekunde); bitte in {waitMs, number} ms erneut versuchen.',

  'server.bodyTooLarge': 'Der Anfrageinhalt überschreitet die Grenze (MOBILE_MM_MAX_BODY_BYTES).',
  'server.contentType': 'Dieser Content-Type wird nicht akzeptiert; akzeptiert werden: application/json, image/png, image/jpeg.',
  'server.emptyBody': 'Der Anfrageinhalt ist leer; senden Sie ein JSON-Objekt.',
  'server.contentLength': 'Content-Length passt nicht zum Anfrageinhalt.',
  'server.invalidJson': 'Der Anfrageinhalt ist kein gültiges JSON: {detail}',
  'server.shuttingDown': 'Der Server wird heruntergefahren; bitte senden Sie die Anfrage an eine andere Instanz.',
  'server.unauthorized': 'Ein gültiger API-Schlüssel ist erforderlich: Senden Sie „Authorization: Bearer <Schlüssel>“.',
  'server.rateLimited':
    'Zu viele Anfragen dieses Clients (Grenze {rps, number} pro Sekunde, Spitze {burst, number}); bitte in {wait, plural, one {# Sekunde} other {# Sekunden}} erneut versuchen.',
  'server.noRoute': 'Die Route {method} {path} gibt es nicht; siehe GET /v1/models und POST /v1/chat/completions.',
  'server.deadline': 'Die Anfrage hat länger als {ms, number} ms gedauert (MOBILE_MM_REQUEST_TIMEOUT_MS); ihre Bearbeitung wurde gestoppt.',
  'server.queueFull':
    'Der Server ist ausgelastet: {running, number} Anfragen laufen (max-concurrent {maxConcurrent, number}) und {queued, number} warten (max-queue {maxQueue, number}); bitte nach der Retry-After-Frist erneut versuchen.',
  'server.unknownModel': 'Das Modell {model} wird hier nicht angeboten; akzeptiert werden: {accepted}.',
  'server.remoteImage':
    '{param}: Nur data:-URLs werden akzeptiert (data:image/png;base64,… oder data:image/jpeg;base64,…); der Server lädt keine {scheme}:-URLs herunter.',
  'server.strictNeedsKey': 'MOBILE_MM_SECURITY_MODE=strict verlangt einen API-Schlüssel: Setzen Sie MOBILE_MM_API_KEYS.',

  'demo.header': 'mobile-mm-Demo · Backend {backend} · Variante {variant} · Profil {profile} · Modell {model}',
  'demo.samples': 'Beispiele: {n, plural, one {# Bild} other {# Bilder}} aus dem SynthScenes-Split {split} ({dir})',
  'demo.warmup': 'Aufwärmen: ein Aufruf pro Aufgabe, nicht gezählt: {ms, number, ::.0} ms',
  'demo.cached': ' (Bildmerkmale aus dem Cache)',
  'demo.question': '  Frage:    {text}',
  'demo.answer': '  Antwort:  {text}',
  'demo.truth': '  richtig:  {text}',
  'demo.summary': 'Median in ms pro Aufruf: {medians} · exakte Antworten {correct, number}/{total, number}',
  'demo.synthetic': '(SynthScenes ist synthetisch: Das mitgelieferte Modell beantwortet Szenen und Textzeilen, die wie diese Beispiele gezeichnet sind, keine Fotos.)',
  'cli.help': `mobile-mm: Bildbeschreibung, Texterkennung (OCR) und Fragen zu Bildern mit einem kleinen Modell, das auf dem Gerät läuft

Aufruf:
  mobile-mm caption BILD [Optionen]          beschreibt eine Szene
  mobile-mm ocr BILD [Optionen]              liest eine Textzeile
  mobile-mm vqa BILD "FRAGE" [Optionen]      beantwortet eine Frage zu einer Szene
  mobile-mm demo [Optionen]                  alle drei Aufgaben mit den mitgelieferten Beispielen
  mobile-mm serve [Optionen]                 HTTP-Server: OpenAI-kompatible API, Zustand, Metriken (siehe serve --help)
  mobile-mm plan --rps R --p95-ms L          Replikate, CPU und Autoscaling-Ziele aus dem Server-Benchmark
  mobile-mm export --format onnx|tfjs|safetensors --checkpoint DIR --out DIR
                                             schreibt einen Checkpoint für andere Laufzeitumgebungen (mobile-mm export --help)

BILD ist eine PNG- oder JPEG-Datei. Das Modell kennt SynthScenes-Bilder:
64×64-Szenen mit farbigen Formen und 32×128-Textzeilen (siehe die README des Pakets).

Optionen:
  --backend NAME                     tfjs-Backend: {backends} ({backendEnv}; Standard auto: wasm in Node)
  --variant int2|fp32                Modellvariante ({variantEnv}; Standard int2, falls enthalten, sonst fp32)
  --profile fast|balanced|accuracy   Profil Geschwindigkeit/Qualität ({profileEnv}; Standard balanced)
  --model-dir DIR                    Checkpoint-Ordner ({modelDirEnv}; Standard das mitgelieferte Modell)
  --max-image-pixels N               größtes zulässiges Breite·Höhe ({maxImagePixelsEnv}; Standard {maxImagePixels, number})
  --max-prompt-chars N               längste zulässige Frage ({maxPromptCharsEnv}; Standard {maxPromptChars, number})
  --locale TAG                       Ihre Sprache, z. B. ja oder fr-CA ({localeEnv}, dann LC_ALL/LANG; Standard en)
  --lang en|es|fr|de|ja|zh           Antwortsprache dieses Aufrufs (Standard: die des Gebietsschemas, wenn das Modell sie spricht)
  --json                             gibt ein einzelnes JSON-Objekt auf stdout aus
  --metrics                          gibt danach die OpenTelemetry-Metriken der Aufrufe als Prometheus-Text aus (stdout; mit --json stderr)
  -h, --help                         dieser Text
  --version                          die Paketversion

Exit-Codes: 0 OK · 1 anderer Fehler · 2 Aufruf- oder Konfigurationsfehler · 3 Eingabefehler (Bild oder Frage)
`,
  'serve.help': `mobile-mm serve: ein HTTP-Server für das Modell (OpenAI-kompatible Chat Completions, /v1/caption|ocr|vqa, Zustand, Metriken)

Aufruf: mobile-mm serve [Optionen]

Optionen (jede wird auch aus ihrer Variablen gelesen; Kommandozeilenoptionen haben Vorrang):
  --port N                 Port ({portEnv}; Standard 8080)
  --host ADRESSE           Adresse, an der der Server lauscht ({hostEnv}; Standard 127.0.0.1; 0.0.0.0 in einem Container)
  --replicas N             Worker-Threads mit je einem Modell ({replicasEnv}; Standard einer pro Kern)
  --max-concurrent N       gleichzeitig laufende Anfragen ({maxConcurrentEnv}; Standard = Replikate)
  --max-queue N            wartende Anfragen; darüber hinaus: 503 + Retry-After ({maxQueueEnv}; Standard 4 × max-concurrent)
  --request-timeout-ms N   Frist pro Anfrage: 504, Bearbeitung abgebrochen ({requestTimeoutEnv}; Standard 30000)
  --max-body-bytes N       größter Anfrageinhalt: 413 ({bodyLimitEnv}; Standard 8388608)
  --dispatch S             least-loaded | round-robin | weighted ({dispatchEnv}; Standard least-loaded)
  --replica-weights W,W    Gewichte für die Verteilung weighted ({replicaWeightsEnv})
  --rate-limit-rps N       Anfragen/s pro Client, 0 = aus ({rateLimitRpsEnv}); --rate-limit-burst N ({rateLimitBurstEnv})
  --drain-timeout-ms N     nach SIGTERM: Zeit, in der laufende Anfragen fertig werden ({drainTimeoutEnv}; Standard 25000)
  --drain-delay-ms N       nach SIGTERM zuerst so lange weiter bedienen (Readiness 503) ({drainDelayEnv}; Standard 0)
  --backend, --variant, --profile, --model-dir   das Modell, wie bei den anderen Befehlen (MOBILE_MM_BACKEND, …)
API-Schlüssel: {apiKeysEnv}=schlüssel1,schlüssel2 (nur über die Umgebung, damit die Schlüssel nicht in Prozesslisten stehen).
Fehlermeldungen folgen dem Accept-Language jeder Anfrage (en, es, fr, de, ja, zh).
`,
  'export.help': `mobile-mm export: schreibt einen Checkpoint als ONNX, tf.io-Gewichte oder safetensors-Checkpoint

Aufruf:
  mobile-mm export --format FORMAT --checkpoint DIR --out DIR [Optionen]

  --format onnx|tfjs|safetensors   onnx: encoder_scene/encoder_text/decoder.onnx (Opset 17, IR 8);
                                   tfjs: model.json + Shards (tf.io); safetensors: unser Checkpoint
  --checkpoint DIR                 ein Checkpoint-Ordner (config.json, model.safetensors, tokenizer.json)
  --out DIR                        der Exportordner (neu oder leer)
  --bits N                         Projektionen: {bits} (32 = Float;
                                   Standard: wie im Checkpoint gespeichert; tfjs 32)
  --method rtn|mse                 wie ein Float-Checkpoint für --bits 2|4|8 quantisiert wird (Standard rtn)
  --accuracy-level 0|4             accuracy_level von MatMulNBits in onnx (Standard 0: Rechnen in float32; 4: int8-Aktivierungen)
  --quant-op matmulnbits|dequantize  onnx: gepackte Projektionen als MatMulNBits (Standard) oder im Graphen entpackt und
                                   beim Laden der Sitzung zu float32 gefaltet (gepackte Datei, Float-Tempo und -Speicher)
  --force                          ersetzt ein nicht leeres --out
  --json                           gibt ein einzelnes JSON-Objekt aus
`,
  'plan.help': `mobile-mm plan: Replikate, CPU und Autoscaling-Ziele für eine Last, aus dem Server-Benchmark

Aufruf: mobile-mm plan --rps R --p95-ms L [--task caption|ocr|vqa] [--replicas-per-pod N] [--results DATEI] [--json]

  --rps R               zu bedienende Anfragen pro Sekunde
  --p95-ms L            Latenz im 95. Perzentil, die nicht überschritten werden soll, in ms
  --task T              die aufwendigste Aufgabe im Anfragemix (Standard caption)
  --replicas-per-pod N  Worker-Threads pro Pod, = MOBILE_MM_REPLICAS (Standard 2, wie deploy/k8s)
  --results DATEI       das JSON des Benchmarks (Standard apps/bench/results/serve.json; npm run bench -- serve)
  --json                gibt den Plan als JSON aus
`,
  'cli.error': 'Fehler [{code}]: {message}',
  'cli.note': 'Hinweis: {message}',
  'cli.seeHelp': '`mobile-mm --help` zeigt die Verwendung.',
  'cli.noCommand': 'Kein Befehl; verwenden Sie caption, ocr, vqa oder demo (siehe --help).',
  'cli.unknownCommand': 'Unbekannter Befehl {command}; verwenden Sie caption, ocr, vqa oder demo (siehe --help).',
  'cli.arity':
    '{command} erwartet {want}; {n, plural, one {# Argument erhalten} other {# Argumente erhalten}}{quoteHint, select, yes { (setzen Sie eine Frage mit Leerzeichen in Anführungszeichen)} other {}}.',
  'cli.arityNone': 'keine Argumente',
  'cli.flagInteger': '--{flag} erwartet eine positive ganze Zahl, erhalten: {value}.',
  'cli.flagOneOf': '--{flag} erwartet einen dieser Werte: {accepted}; erhalten: {value}.',
  'cli.badOption': '{detail} (siehe --help).',
  'cli.outOfVocabulary': 'Das Modell kennt {words} nicht; die Antwort ist geraten.',
  'cli.summary': '({task} · {backend} · {variant} · {profile} · {ms, number, ::.0} ms)',
  'cli.notInstalled': '`mobile-mm {command}` braucht das Paket @mobile-mm/server: npm install @mobile-mm/server',
  'cli.notBuilt': '@mobile-mm/server ist noch nicht gebaut; führen Sie zuerst `npm run build` im Wurzelverzeichnis des Repositorys aus.',
};
