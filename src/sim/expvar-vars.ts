/**
 * Go's expvar at `/debug/vars` (net/http handler of package expvar): `{\n"cmdline": [...],\n"memstats":
 * {...}\n}\n`, the variables in name order, each value as encoding/json writes it, memstats being
 * runtime.MemStats field for field. The figures follow the container's memory curve at the moment
 * of the request, with these (documented, not measured) relations:
 *
 *   Sys          = the container's memory now (what the runtime holds from the OS)
 *   HeapSys      = heapShare x Sys, in 8 KiB pages; the rest of Sys is stacks, spans, GC metadata, ...
 *   HeapInuse    = 85 % of HeapSys;  HeapIdle = HeapSys - HeapInuse;  HeapReleased = 60 % of HeapIdle
 *   HeapAlloc    = Alloc = 90 % of HeapInuse;  NextGC = 2 x HeapAlloc (GOGC=100, at least 4 MiB)
 *   TotalAlloc, Mallocs, Frees, NumGC grow with the process's age
 *
 * so `Sys` and `HeapSys` read during a start-up ramp rise toward the limit, as they would before
 * an OOM kill.
 */

/** runtime/sizeclasses.go class sizes: MemStats.BySize has the first 61. */
const SIZE_CLASSES = [
  0, 8, 16, 24, 32, 48, 64, 80, 96, 112, 128, 144, 160, 176, 192, 208, 224, 240, 256, 288, 320, 352, 384, 416, 448, 480, 512, 576, 640, 704, 768, 896, 1024, 1152, 1280, 1408, 1536, 1792, 2048, 2304, 2688,
  3072, 3200, 3456, 4096, 4864, 5376, 6144, 6528, 6784, 6912, 8192, 9472, 9728, 10240, 10880, 12288, 13568, 14336, 16384, 18432,
];
const PAGE = 8192;
const MiB = 1024 * 1024;
const PAUSE_NS = 187_000;

export interface ExpvarInput {
  /** The container's memory now, in bytes. */
  usageBytes: number;
  /** Sim seconds the process has run. */
  ageSeconds: number;
  /** Share of the runtime's memory that is heap. */
  heapShare: number;
  process: string;
  nowMs: number;
}

const pages = (bytes: number) => Math.floor(bytes / PAGE) * PAGE;

function memStats(input: ExpvarInput): Record<string, unknown> {
  const sys = Math.max(PAGE * 16, Math.round(input.usageBytes));
  const heapSys = pages(sys * input.heapShare);
  const heapInuse = pages(heapSys * 0.85);
  const heapIdle = heapSys - heapInuse;
  const heapReleased = pages(heapIdle * 0.6);
  const heapAlloc = Math.round(heapInuse * 0.9);
  const rest = sys - heapSys;
  const stackSys = Math.round(rest * 0.15);
  const mspanSys = Math.round(rest * 0.06);
  const mcacheSys = Math.round(rest * 0.01);
  const buckHashSys = Math.round(rest * 0.1);
  const gcSys = Math.round(rest * 0.5);
  const otherSys = rest - stackSys - mspanSys - mcacheSys - buckHashSys - gcSys;
  const totalAlloc = Math.round(heapAlloc + heapAlloc * 2 * Math.max(0, input.ageSeconds));
  const heapObjects = Math.round(heapAlloc / 64);
  const mallocs = Math.round(totalAlloc / 64);
  const nextGC = Math.max(4 * MiB, heapAlloc * 2);
  const numGC = Math.floor((totalAlloc - heapAlloc) / Math.max(heapAlloc, 4 * MiB)) + 1;
  const nowNs = input.nowMs * 1e6;
  const pauseNs = new Array<number>(256).fill(0);
  const pauseEnd = new Array<number>(256).fill(0);
  for (let i = 0; i < Math.min(numGC, 256); i += 1) {
    pauseNs[i] = PAUSE_NS + (i % 7) * 1000;
    pauseEnd[i] = Math.round(nowNs - (numGC - 1 - i) * 1e9);
  }
  const bySize = SIZE_CLASSES.map((size, i) => {
    const share = i === 0 ? 0 : Math.round(mallocs / 2 ** Math.min(30, Math.ceil(i / 4)) / 4);
    return { Size: size, Mallocs: share, Frees: Math.round(share * 0.93) };
  });
  return {
    Alloc: heapAlloc,
    TotalAlloc: totalAlloc,
    Sys: sys,
    Lookups: 0,
    Mallocs: mallocs,
    Frees: mallocs - heapObjects,
    HeapAlloc: heapAlloc,
    HeapSys: heapSys,
    HeapIdle: heapIdle,
    HeapInuse: heapInuse,
    HeapReleased: heapReleased,
    HeapObjects: heapObjects,
    StackInuse: stackSys,
    StackSys: stackSys,
    MSpanInuse: Math.round(mspanSys * 0.8),
    MSpanSys: mspanSys,
    MCacheInuse: Math.round(mcacheSys * 0.6),
    MCacheSys: mcacheSys,
    BuckHashSys: buckHashSys,
    GCSys: gcSys,
    OtherSys: otherSys,
    NextGC: nextGC,
    LastGC: Math.round(nowNs),
    PauseTotalNs: pauseNs.reduce((a, b) => a + b, 0),
    PauseNs: pauseNs,
    PauseEnd: pauseEnd,
    NumGC: numGC,
    NumForcedGC: 0,
    GCCPUFraction: 0.000412,
    EnableGC: true,
    DebugGC: false,
    BySize: bySize,
  };
}

/** The body of GET /debug/vars. */
export function expvarBody(input: ExpvarInput): string {
  const cmdline = JSON.stringify([`/usr/local/bin/${input.process}`]);
  return `{\n"cmdline": ${cmdline},\n"memstats": ${JSON.stringify(memStats(input))}\n}\n`;
}
