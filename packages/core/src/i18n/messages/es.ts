/** Spanish (es). Keys, arguments and conventions: see en.ts. Usted form; ¿…? and ¡…!; decimal comma comes from Intl. */
import type { Catalog } from './en.js';

export const es: Catalog = {
  'code.INVALID_CONFIG': 'La configuración no es válida.',
  'code.INVALID_SHAPE': 'Un tensor tiene una forma incorrecta.',
  'code.INVALID_DTYPE': 'Un tensor tiene un tipo de datos incorrecto.',
  'code.INVALID_ARGUMENT': 'Un argumento no es válido.',
  'code.INVALID_TOKEN': 'Un identificador de token está fuera del vocabulario.',
  'code.SAFETENSORS_CORRUPT': 'El archivo de pesos está dañado o no es un archivo safetensors.',
  'code.WEIGHTS_MISMATCH': 'Los pesos no corresponden al modelo.',
  'code.WEIGHTS_MISSING': 'Faltan pesos del modelo.',
  'code.FILE_NOT_FOUND': 'No se ha podido encontrar o leer un archivo.',
  'code.BACKEND_UNAVAILABLE': 'El backend de cálculo solicitado no está disponible aquí.',
  'code.UNSUPPORTED': 'Esta operación no es compatible aquí.',
  'code.OUT_OF_MEMORY': 'No hay memoria suficiente para esta operación.',
  'code.IMAGE_UNSUPPORTED_FORMAT': 'El formato de la imagen no es compatible; se admiten PNG y JPEG.',
  'code.IMAGE_TOO_LARGE': 'La imagen es demasiado grande.',
  'code.IMAGE_CORRUPT': 'El archivo de imagen está dañado y no se puede decodificar.',
  'code.IMAGE_INVALID': 'Los datos de la imagen no son válidos.',
  'code.FONT_UNAVAILABLE': 'No está disponible una fuente que necesita el generador.',
  'code.RATE_LIMITED': 'Demasiadas solicitudes; vuelva a intentarlo en unos instantes.',
  'code.CIRCUIT_OPEN': 'El servicio está en pausa tras fallos repetidos; vuelva a intentarlo más tarde.',
  'code.BULKHEAD_FULL': 'Hay demasiadas solicitudes en curso o en espera; vuelva a intentarlo más tarde.',
  'code.DEADLINE_EXCEEDED': 'La solicitud tardó demasiado y se detuvo.',
  'code.ABORTED': 'La solicitud se canceló.',
  'code.BACKENDS_EXHAUSTED': 'Ningún backend de cálculo pudo atender la solicitud.',
  'code.CONTEXT_LOST': 'Se perdió el contexto gráfico.',
  'code.BACKEND_UNHEALTHY': 'El backend de cálculo no superó la comprobación de estado.',
  'code.TENSOR_LEAK': 'Quedaron tensores en memoria después de una llamada.',
  'code.PROMPT_EMPTY': 'La pregunta está vacía.',
  'code.PROMPT_TOO_LONG': 'La pregunta es demasiado larga.',
  'code.PROMPT_INVALID': 'La pregunta contiene texto no admitido.',
  'code.MODEL_NOT_FOUND': 'No se ha encontrado el modelo.',
  'code.MODEL_DOWNLOAD_FAILED': 'No se ha podido descargar el modelo.',
  'code.MODEL_VARIANT_MISMATCH': 'Los archivos del modelo no son de la variante solicitada.',
  'code.DISPOSED': 'Esta instancia ya se ha liberado.',
  'code.INTERNAL': 'Se ha producido un error interno.',
  'code.BODY_TOO_LARGE': 'El cuerpo de la solicitud es demasiado grande.',
  'code.CLIENT_CLOSED': 'El cliente cerró la conexión.',
  'code.INVALID_JSON': 'El cuerpo de la solicitud no es JSON válido.',
  'code.INVALID_REQUEST': 'La solicitud no es válida.',
  'code.NOT_FOUND': 'No existe esa ruta.',
  'code.QUEUE_FULL': 'El servidor está al límite de su capacidad; vuelva a intentarlo en unos instantes.',
  'code.REMOTE_IMAGE_URL': 'Las imágenes deben enviarse incrustadas como URL data:.',
  'code.REPLICA_CRASHED': 'El proceso que atendía la solicitud se detuvo; vuelva a intentarlo.',
  'code.UNAUTHORIZED': 'Se necesita una clave de API válida.',
  'code.UNAVAILABLE': 'El servidor no está disponible en este momento.',
  'code.UNKNOWN_MODEL': 'Este modelo no se sirve aquí.',
  'code.UNSUPPORTED_MEDIA_TYPE': 'Este tipo de contenido no se admite.',

  'error.technical': '{lead} Detalle (en inglés): {detail}',

  'file.notFound': 'No se puede leer {file}: el archivo no existe.',
  'file.unreadable': 'No se puede leer {file}: {reason}.',
  'image.fileNotFound': 'Archivo de imagen {path}: el archivo no existe.',
  'image.fileUnreadable': 'No se puede leer el archivo de imagen {path} ({reason}).',

  'image.accepted':
    "se admiten: bytes PNG o JPEG (Uint8Array, ArrayBuffer, Buffer de Node), una ruta de archivo (solo en Node), '{'data, width, height'}' con bytes RGBA o RGB, un ImageData o un tf.Tensor3D [H, W, 3|4]",
  'image.notAnImage': 'La entrada no es una imagen (se recibió {got}); {accepted}.',
  'image.pathInBrowser': 'Las rutas de archivo solo se admiten en Node; en un navegador, descargue el archivo y pase sus bytes. {accepted}.',
  'image.unknownFormat': 'Formato de imagen no compatible ({format}); solo se decodifican PNG y JPEG. {accepted}.',
  'image.empty': 'La imagen de entrada está vacía (0 bytes).',
  'image.tooManyPixels':
    'La imagen declara {width}×{height} = {pixels, number} píxeles, por encima del límite de {max, number} (comprobado antes de decodificar); aumente {option} para aceptarla.',
  'image.tooManyBytes': 'La imagen ocupa {bytes, number} bytes, por encima del límite de {max, number} bytes; aumente {option} para aceptarla.',

  'prompt.notString': 'La pregunta debe ser una cadena de texto; se recibió {got}.',
  'prompt.empty': 'La pregunta está vacía (o solo tiene espacios); haga una, por ejemplo «what color is the circle?».',
  'prompt.tooLong':
    'La pregunta tiene {chars, plural, one {# carácter} other {# caracteres}}; el límite es de {max, plural, one {# carácter} other {# caracteres}} (maxPromptChars).',
  'prompt.loneSurrogate': 'La pregunta tiene un sustituto aislado {char} en la posición {index, number}: no es texto Unicode válido.',
  'prompt.controlChar':
    'La pregunta tiene el carácter de control {char} en la posición {index, number}; solo se admiten tabulación, salto de línea y retorno de carro (se leen como espacios).',
  'prompt.bidiControl':
    'La pregunta tiene el control bidireccional {char} en la posición {index, number}; no se admiten anulaciones ni aislamientos (U+202A–U+202E, U+2066–U+2069).',

  'config.notAccepted': 'config.{field}{source}: no se admite {value}; se admiten: {accepted}.',
  'config.integerRange': 'config.{field}{source}: no se admite {value}; se admite un número entero de 1 a {max, number}.',
  'config.notObject': 'config: las opciones deben ser un objeto; se recibió {got}.',
  'config.unknownOption': 'config.{field}: opción desconocida; se admiten: {accepted}.',
  'config.envNotObject': 'config.env: debe ser un objeto de variables de entorno.',
  'config.modelDir': 'config.modelDir{source}: no se admite {value}; se admite la ruta de una carpeta o una URL.',
  'config.localeType': 'config.locale: no se admite {value}; se admite una etiqueta de idioma como {examples} o fr-CA.',
  'config.onProgress': 'config.onProgress: debe ser una función (que recibe loaded, total, file, filesDone, files) o undefined.',
  'config.telemetry': 'config.telemetry: debe ser un ModelTelemetry (de @mobile-mm/telemetry) o false.',
  'config.fromEnv': ' (de {envVar})',
  'config.strictContentCapture': 'config: MOBILE_MM_SECURITY_MODE=strict no permite capturar contenido ({envVar}); elimínela o use el modo standard.',

  'note.localeUnsupported': 'La configuración regional {locale} no es ninguna de {accepted}; se usa en.',
  'note.modelLanguages': 'Este modelo responde en {languages}; se responde en en en lugar de {want}.',
  'note.localeNotSpoken': 'Configuración regional {locale}: este modelo responde en {languages}; las respuestas serán en en.',
  'note.int2NotBundled': 'El modelo INT2 (models/tiny-int2) aún no está incluido; se usa el modelo fp32.',

  'model.notFound': 'La carpeta del modelo {dir} no existe o no tiene config.json{int2, select, yes { (el modelo INT2 aún no se ha exportado a este paquete; use la variante "fp32")} other {}}.',
  'model.incomplete': 'La carpeta del modelo {dir} está incompleta{int2, select, yes { (el modelo INT2 aún no se ha exportado a este paquete; use la variante "fp32")} other {}}: {detail}',
  'call.disposed': '{task}: este MobileMultiModalLLM se ha liberado; cree uno nuevo.',
  'call.disposedDuring': '{task}: este MobileMultiModalLLM se liberó durante la llamada.',
  'call.lang': '{task}: no se admite lang {value}; se admiten: {accepted}.',
  'call.options': '{task}: las opciones deben ser un objeto.',
  'call.internal': '{task}: fallo inesperado: {detail}',

  'resilience.circuitOpen': '{where}el disyuntor está abierto tras fallos repetidos; vuelva a intentarlo más tarde.',
  'resilience.bulkheadFull': '{where}hay demasiadas solicitudes en curso y en cola; vuelva a intentarlo más tarde.',
  'resilience.cancelled': '{where}la solicitud se canceló antes de terminar.',
  'resilience.abortedBeforeStart': 'La solicitud se canceló antes de empezar.',
  'resilience.deadline': 'La solicitud superó su plazo de {ms, number} ms; la generación se detuvo y se liberó su memoria.',
  'resilience.deadlineBeforeFinish': 'La solicitud superó su plazo de {ms, number} ms antes de poder terminar.',
  'resilience.rateLimited': 'El cliente {client} supera su límite ({burst, number} a la vez, {rps, number} por segundo); vuelva a intentarlo dentro de {waitMs, number} ms.',

  'server.bodyTooLarge': 'El cuerpo de la solicitud supera el límite (MOBILE_MM_MAX_BODY_BYTES).',
  'server.contentType': 'No se admite este Content-Type; se admiten: application/json, image/png, image/jpeg.',
  'server.emptyBody': 'El cuerpo está vacío; envíe un objeto JSON.',
  'server.contentLength': 'Content-Length no coincide con el cuerpo.',
  'server.invalidJson': 'El cuerpo no es JSON válido: {detail}',
  'server.shuttingDown': 'El servidor se está apagando; vuelva a intentarlo en otra instancia.',
  'server.unauthorized': 'Se necesita una clave de API válida: envíe «Authorization: Bearer <clave>».',
  'server.rateLimited':
    'Demasiadas solicitudes de este cliente (límite de {rps, number} por segundo, ráfaga de {burst, number}); vuelva a intentarlo dentro de {wait, plural, one {# segundo} other {# segundos}}.',
  'server.noRoute': 'No existe la ruta {method} {path}; consulte GET /v1/models y POST /v1/chat/completions.',
  'server.deadline': 'La solicitud tardó más de {ms, number} ms (MOBILE_MM_REQUEST_TIMEOUT_MS); su trabajo se detuvo.',
  'server.queueFull':
    'El servidor está al límite: {running, number} solicitudes en curso (max-concurrent {maxConcurrent, number}) y {queued, number} en espera (max-queue {maxQueue, number}); vuelva a intentarlo tras el plazo de Retry-After.',
  'server.unknownModel': 'El modelo {model} no se sirve aquí; se admiten: {accepted}.',
  'server.remoteImage':
    '{param}: solo se admiten URL data: (data:image/png;base64,… o data:image/jpeg;base64,…); el servidor no descarga URL {scheme}:.',
  'server.strictNeedsKey': 'MOBILE_MM_SECURITY_MODE=strict exige una clave de API: defina MOBILE_MM_API_KEYS.',

  'demo.header': 'demo de mobile-mm · backend {backend} · variante {variant} · perfil {profile} · modelo {model}',
  'demo.samples': 'muestras: {n, plural, one {# imagen} other {# imágenes}} de la partición {split} de SynthScenes ({dir})',
  'demo.warmup': 'calentamiento: una llamada por tarea, sin contar: {ms, number, ::.0} ms',
  'demo.cached': ' (características de la imagen desde la caché)',
  'demo.question': '  pregunta:  {text}',
  'demo.answer': '  respuesta: {text}',
  'demo.truth': '  correcta:  {text}',
  'demo.summary': 'mediana en ms por llamada: {medians} · respuestas exactas {correct, number}/{total, number}',
  'demo.synthetic': '(SynthScenes es sintético: el modelo incluido responde sobre escenas y líneas de texto dibujadas como estas muestras, no sobre fotos).',
  'cli.help': `mobile-mm: descripción de imágenes, OCR y respuesta a preguntas visuales con un modelo pequeño que se ejecuta en el dispositivo

Uso:
  mobile-mm caption IMAGEN [opciones]          describe una escena
  mobile-mm ocr IMAGEN [opciones]              lee una línea de texto
  mobile-mm vqa IMAGEN "PREGUNTA" [opciones]   responde a una pregunta sobre una escena
  mobile-mm demo [opciones]                    las tres tareas con las muestras incluidas
  mobile-mm serve [opciones]                   servidor HTTP: API compatible con OpenAI, estado, métricas (vea serve --help)
  mobile-mm plan --rps R --p95-ms L            réplicas, CPU y objetivos de autoescalado según la prueba de carga
  mobile-mm export --format onnx|tfjs|safetensors --checkpoint DIR --out DIR
                                               escribe un checkpoint para otros entornos (mobile-mm export --help)

IMAGEN es un archivo PNG o JPEG. El modelo conoce imágenes SynthScenes:
escenas de 64×64 con figuras de colores y líneas de texto de 32×128 (vea el README del paquete).

Opciones:
  --backend NAME                     backend de tfjs: {backends} ({backendEnv}; por defecto auto: wasm en Node)
  --variant int2|fp32                variante del modelo ({variantEnv}; por defecto int2 si está incluida, si no fp32)
  --profile fast|balanced|accuracy   perfil de velocidad/calidad ({profileEnv}; por defecto balanced)
  --model-dir DIR                    carpeta del checkpoint ({modelDirEnv}; por defecto el modelo incluido)
  --max-image-pixels N               ancho·alto máximo admitido ({maxImagePixelsEnv}; por defecto {maxImagePixels, number})
  --max-prompt-chars N               longitud máxima de la pregunta ({maxPromptCharsEnv}; por defecto {maxPromptChars, number})
  --locale ETIQUETA                  su idioma, p. ej. ja o fr-CA ({localeEnv}, luego LC_ALL/LANG; por defecto en)
  --lang en|es|fr|de|ja|zh           idioma de la respuesta de esta llamada (por defecto el de la configuración regional, si el modelo lo habla)
  --json                             imprime un único objeto JSON en stdout
  --metrics                          después imprime las métricas OpenTelemetry de las llamadas en formato Prometheus (stdout; stderr con --json)
  -h, --help                         este texto
  --version                          la versión del paquete

Códigos de salida: 0 correcto · 1 otro fallo · 2 error de uso o de configuración · 3 error de entrada (imagen o pregunta)
`,
  'serve.help': `mobile-mm serve: un servidor HTTP para el modelo (chat completions compatibles con OpenAI, /v1/caption|ocr|vqa, estado, métricas)

Uso: mobile-mm serve [opciones]

Opciones (cada una también se lee de su variable; las opciones de la línea de comandos prevalecen):
  --port N                 puerto de escucha ({portEnv}; por defecto 8080)
  --host DIRECCIÓN         dirección de escucha ({hostEnv}; por defecto 127.0.0.1; 0.0.0.0 en un contenedor)
  --replicas N             hilos de trabajo, cada uno con su modelo ({replicasEnv}; por defecto uno por núcleo)
  --max-concurrent N       solicitudes en curso a la vez ({maxConcurrentEnv}; por defecto = réplicas)
  --max-queue N            solicitudes en espera; más allá: 503 + Retry-After ({maxQueueEnv}; por defecto 4 × max-concurrent)
  --request-timeout-ms N   plazo por solicitud: 504, trabajo cancelado ({requestTimeoutEnv}; por defecto 30000)
  --max-body-bytes N       cuerpo máximo: 413 ({bodyLimitEnv}; por defecto 8388608)
  --dispatch S             least-loaded | round-robin | weighted ({dispatchEnv}; por defecto least-loaded)
  --replica-weights W,W    pesos para el reparto weighted ({replicaWeightsEnv})
  --rate-limit-rps N       solicitudes/s por cliente, 0 = sin límite ({rateLimitRpsEnv}); --rate-limit-burst N ({rateLimitBurstEnv})
  --drain-timeout-ms N     tras SIGTERM, tiempo para que terminen las solicitudes ({drainTimeoutEnv}; por defecto 25000)
  --drain-delay-ms N       tras SIGTERM, seguir sirviendo (readiness 503) este tiempo antes ({drainDelayEnv}; por defecto 0)
  --backend, --variant, --profile, --model-dir   el modelo, como en los demás comandos (MOBILE_MM_BACKEND, …)
Claves de API: {apiKeysEnv}=clave1,clave2 (solo por entorno, para que las claves no aparezcan en la lista de procesos).
Los mensajes de error siguen el Accept-Language de cada solicitud (en, es, fr, de, ja, zh).
`,
  'export.help': `mobile-mm export: escribe un checkpoint como ONNX, pesos tf.io o un checkpoint safetensors

Uso:
  mobile-mm export --format FORMATO --checkpoint DIR --out DIR [opciones]

  --format onnx|tfjs|safetensors   onnx: encoder_scene/encoder_text/decoder.onnx (opset 17, IR 8);
                                   tfjs: model.json + fragmentos (tf.io); safetensors: nuestro checkpoint
  --checkpoint DIR                 una carpeta de checkpoint (config.json, model.safetensors, tokenizer.json)
  --out DIR                        la carpeta de exportación (nueva o vacía)
  --bits N                         proyecciones: {bits} (32 = float;
                                   por defecto: como las guarda el checkpoint; tfjs 32)
  --method rtn|mse                 cómo se cuantiza un checkpoint float para --bits 2|4|8 (por defecto rtn)
  --accuracy-level 0|4             accuracy_level de MatMulNBits en onnx (por defecto 0: cálculo float32; 4: activaciones int8)
  --quant-op matmulnbits|dequantize  onnx: proyecciones empaquetadas como MatMulNBits (por defecto), o desempaquetadas en el grafo y
                                   plegadas a float32 al cargar la sesión (archivo empaquetado, velocidad y memoria de float)
  --force                          sustituye un --out que no esté vacío
  --json                           imprime un único objeto JSON
`,
  'plan.help': `mobile-mm plan: réplicas, CPU y objetivos de autoescalado para una carga, según la prueba de carga del servidor

Uso: mobile-mm plan --rps R --p95-ms L [--task caption|ocr|vqa] [--replicas-per-pod N] [--results ARCHIVO] [--json]

  --rps R               solicitudes por segundo que atender
  --p95-ms L            latencia del percentil 95 que no superar, en ms
  --task T              la tarea más pesada de la mezcla de solicitudes (por defecto caption)
  --replicas-per-pod N  hilos de trabajo por pod, = MOBILE_MM_REPLICAS (por defecto 2, como deploy/k8s)
  --results ARCHIVO     el JSON de la prueba de carga (por defecto apps/bench/results/serve.json; npm run bench -- serve)
  --json                imprime el plan como JSON
`,
  'cli.error': 'error [{code}]: {message}',
  'cli.note': 'nota: {message}',
  'cli.seeHelp': 'ejecute `mobile-mm --help` para ver el uso.',
  'cli.noCommand': 'Falta el comando; use caption, ocr, vqa o demo (vea --help).',
  'cli.unknownCommand': 'Comando desconocido {command}; use caption, ocr, vqa o demo (vea --help).',
  'cli.arity':
    '{command} recibe {want}; {n, plural, one {se recibió # argumento} other {se recibieron # argumentos}}{quoteHint, select, yes { (ponga entre comillas una pregunta con espacios)} other {}}.',
  'cli.arityNone': 'ningún argumento',
  'cli.flagInteger': '--{flag} recibe un número entero positivo; se recibió {value}.',
  'cli.flagOneOf': '--{flag} recibe uno de estos valores: {accepted}; se recibió {value}.',
  'cli.badOption': '{detail} (vea --help).',
  'cli.outOfVocabulary': 'el modelo no conoce {words}; la respuesta es una suposición.',
  'cli.summary': '({task} · {backend} · {variant} · {profile} · {ms, number, ::.0} ms)',
  'cli.notInstalled': '`mobile-mm {command}` necesita el paquete @mobile-mm/server: npm install @mobile-mm/server',
  'cli.notBuilt': '@mobile-mm/server aún no está compilado; ejecute primero `npm run build` en la raíz del repositorio.',
};
