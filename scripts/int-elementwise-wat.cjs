// Writes lib/tflite/wasm/int-elementwise.wat to stdout: one loop per integer operator and type (the dispatch stays
// out of the inner loop), all from the template below. Run: node scripts/int-elementwise-wat.cjs > lib/tflite/wasm/int-elementwise.wat
"use strict";

const load = (p, off, kind = "v128.load") => `(${kind}${off ? ` offset=${off}` : ""} (local.get ${p}))`;
// the operands' vectors number v of a round (offset 16 v from their pointers; a splat repeats at every offset)
const A = (v, o = 0) => load("$pa", 16 * v + o);
const B = (v, o = 0) => load("$pb", 16 * v + o);
const ONES = "(v128.const i32x4 0x01010101 0x01010101 0x01010101 0x01010101)";
const ZERO = "(v128.const i32x4 0 0 0 0)";
/** four int32 lane masks → four bytes 0 / 1 (in the low lane) */
const bytesOf32 = (m) => `(v128.and (i8x16.narrow_i16x8_s (local.tee $m (i16x8.narrow_i32x4_s (local.tee $m ${m}) (local.get $m))) (local.get $m)) ${ONES})`;

/**
 * int32 a / b as JavaScript's (Math.trunc or Math.floor of the double quotient) | 0, two lanes at a time: the double
 * quotient of two int32 is never rounded across an integer, and the one quotient out of range (-2^31 / -1 = 2^31)
 * wraps to -2^31 as `| 0` does (trunc_sat alone would saturate it).
 */
const intDivHalf = (v, o, floor) => {
  const q = `(f64x2.div (f64x2.convert_low_i32x4_s ${load("$pa", 16 * v + o, "v128.load64_zero")}) (f64x2.convert_low_i32x4_s ${load("$pb", 16 * v + o, "v128.load64_zero")}))`;
  const wrap = "(v128.and (f64x2.ge (local.get $q) (v128.const f64x2 2147483648 2147483648)) (v128.const f64x2 4294967296 4294967296))";
  return `(i32x4.trunc_sat_f64x2_s_zero (f64x2.sub (local.tee $q ${floor ? `(f64x2.floor ${q})` : q}) ${wrap}))`;
};
const intDiv = (floor) => (v) => `(i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 ${intDivHalf(v, 0, floor)} ${intDivHalf(v, 8, floor)})`;

// [name, input element bytes, output bytes per vector of inputs, the result vector of round v]
const kinds = [];
for (const [op, f] of [
  ["MAXIMUM", "max"],
  ["MINIMUM", "min"],
]) {
  // u > v ? u : v (u < v ? u : v) is max (min) on integers
  kinds.push([`${op} INT8`, 1, 16, (v) => `(i8x16.${f}_s ${A(v)} ${B(v)})`]);
  kinds.push([`${op} UINT8`, 1, 16, (v) => `(i8x16.${f}_u ${A(v)} ${B(v)})`]);
  kinds.push([`${op} INT16`, 2, 16, (v) => `(i16x8.${f}_s ${A(v)} ${B(v)})`]);
  kinds.push([`${op} INT32`, 4, 16, (v) => `(i32x4.${f}_s ${A(v)} ${B(v)})`]);
}
const COMPARISONS = [
  ["EQUAL", "eq", "eq"],
  ["NOT_EQUAL", "ne", "ne"],
  ["LESS", "lt_s", "lt_u"],
  ["LESS_EQUAL", "le_s", "le_u"],
  ["GREATER", "gt_s", "gt_u"],
  ["GREATER_EQUAL", "ge_s", "ge_u"],
];
for (const [op, s] of COMPARISONS) kinds.push([`${op} INT32`, 4, 4, (v) => bytesOf32(`(i32x4.${s} ${A(v)} ${B(v)})`)]);
// 8-bit comparisons of the raw values (where both inputs' rescaling is one strictly increasing map)
for (const [op, s] of COMPARISONS) kinds.push([`${op} INT8`, 1, 16, (v) => `(v128.and (i8x16.${s} ${A(v)} ${B(v)}) ${ONES})`]);
for (const [op, , u] of COMPARISONS) kinds.push([`${op} UINT8`, 1, 16, (v) => `(v128.and (i8x16.${u} ${A(v)} ${B(v)}) ${ONES})`]);
// (u - v)² wrapping as Math.imul
kinds.push(["SQUARED_DIFFERENCE INT32", 4, 16, (v) => `(i32x4.mul (local.tee $d (i32x4.sub ${A(v)} ${B(v)})) (local.get $d))`]);
kinds.push(["DIV INT32", 4, 16, intDiv(false)]);
kinds.push(["FLOOR_DIV INT32", 4, 16, intDiv(true)]);

const SPLAT = { 1: "v128.load8_splat", 2: "v128.load16_splat", 4: "v128.load32_splat" };

/**
 * A kernel over BroadcastPlan's calls × rows × inner. `operands` ([name, element bytes]) each advance by their step
 * (bytes per vector) inside a row, or repeat the value at their row's start (step 0: splat into the 32 bytes at
 * scratch + 32 i, which vectors 0 and 1 of a round both read). `result(v)` is the output vector of a round's vector v,
 * `outBytes` bytes of it stored per `lanes` elements; the row's last inner mod lanes outputs go through scratch + 96.
 */
function kernel(name, operands, lanes, outBytes, result) {
  const n = operands.length;
  const each = (f, sep = " ") => operands.map(([o, bytes], i) => f(o, bytes, i)).join(sep);
  const params = `${each((o) => `(param $${o} i32)`)} (param $y i32) (param $calls i32) (param $count i32) (param $rows i32) (param $inner i32) ${each((o) => `(param $${o}Row i32)`)} ${each((o) => `(param $${o}Step i32)`)} (param $scratch i32)`;
  const locals = `${each((o) => `(local $r${o} i32) (local $p${o} i32) (local $${o}Twice i32)`)} (local $ry i32) (local $py i32) (local $r i32) (local $left i32) (local $m v128) (local $d v128) (local $q v128)`;
  const store = (v) => {
    const at = v * outBytes;
    const off = at ? ` offset=${at}` : "";
    if (outBytes === 16) return `(v128.store${off} (local.get $py) ${result(v)})`;
    return `(v128.store${outBytes * 8}_lane${off} 0 (local.get $py) ${result(v)})`;
  };
  const advance = (k) => `${each((o) => `(local.set $p${o} (i32.add (local.get $p${o}) (local.get $${o}${k === 2 ? "Twice" : "Step"})))`)}
          (local.set $py (i32.add (local.get $py) (i32.const ${k * outBytes}))) (local.set $left (i32.sub (local.get $left) (i32.const ${k * lanes})))`;
  const outElement = outBytes / lanes;
  return `
  (func $${name} ${params}
    ${locals}
    ${each((o) => `(local.set $${o}Twice (i32.shl (local.get $${o}Step) (i32.const 1)))`)}
    (if (i32.eqz (i32.mul (local.get $rows) (local.get $inner))) (then (return)))
    (loop $call
      ${each((o, _, i) => `(local.set $r${o} (i32.add (local.get $${o}) (i32.load offset=${4 * i} (local.get $calls))))`, "\n      ")}
      (local.set $ry (i32.add (local.get $y) (i32.load offset=${4 * n} (local.get $calls))))
      (local.set $r (local.get $rows))
      (loop $row
        ${each(
          (o, bytes, i) =>
            `(if (local.get $${o}Step) (then (local.set $p${o} (local.get $r${o}))) (else (local.set $m (${SPLAT[bytes]} (local.get $r${o}))) (v128.store offset=${32 * i} (local.get $scratch) (local.get $m)) (v128.store offset=${32 * i + 16} (local.get $scratch) (local.get $m)) (local.set $p${o} (i32.add (local.get $scratch) (i32.const ${32 * i})))))`,
          "\n        ",
        )}
        (local.set $py (local.get $ry))
        (local.set $left (local.get $inner))
        (block $pairsDone (loop $pairs
          (br_if $pairsDone (i32.lt_s (local.get $left) (i32.const ${2 * lanes})))
          ${store(0)}
          ${store(1)}
          ${advance(2)}
          (br $pairs)))
        (if (i32.ge_s (local.get $left) (i32.const ${lanes})) (then
          ${store(0)}
          ${advance(1)}))
        (if (i32.gt_s (local.get $left) (i32.const 0)) (then
          (v128.store offset=96 (local.get $scratch) ${result(0)})
          (call $copyBytes (local.get $py) (i32.add (local.get $scratch) (i32.const 96)) (i32.mul (local.get $left) (i32.const ${outElement})))))
        ${each((o) => `(local.set $r${o} (i32.add (local.get $r${o}) (local.get $${o}Row)))`)}
        (local.set $ry (i32.add (local.get $ry) (i32.mul (local.get $inner) (i32.const ${outElement}))))
        (br_if $row (local.tee $r (i32.sub (local.get $r) (i32.const 1)))))
      (local.set $calls (i32.add (local.get $calls) (i32.const ${4 * (n + 1)})))
      (br_if $call (local.tee $count (i32.sub (local.get $count) (i32.const 1))))))`;
}

/** An exported function that calls its kernel number `$kind` (once per invoke: the loops stay free of dispatch). */
function dispatch(exported, count, params, args) {
  const blocks = Array.from({ length: count }, (_, i) => `(block $k${i}`).reverse().join(" ");
  let body = `    ${blocks}\n      (br_table ${Array.from({ length: count }, (_, i) => `$k${i}`).join(" ")} $k${count - 1} (local.get $kind)))`;
  for (let i = 0; i < count; i++) body += `\n    (call $${exported}${i} ${args}) (return)${i < count - 1 ? ")" : ""}`;
  return `
  (func (export "${exported}") (param $kind i32) ${params}
${body})`;
}
const argsOf = (params) => [...params.matchAll(/\$(\w+)/g)].map((m) => `(local.get $${m[1]})`).join(" ");

const sources = [];
kinds.forEach(([, bytes, outBytes, result], i) => sources.push(kernel(`ibin${i}`, [["a", bytes], ["b", bytes]], 16 / bytes, outBytes, result)));
const binParams = "(param $a i32) (param $b i32) (param $y i32) (param $calls i32) (param $count i32) (param $rows i32) (param $inner i32) (param $aRow i32) (param $bRow i32) (param $aStep i32) (param $bStep i32) (param $scratch i32)";
sources.push(dispatch("ibin", kinds.length, binParams, argsOf(binParams)));

// SELECT_V2 on 1-, 2- and 4-byte elements: the condition's bytes (any nonzero is true) widened to lane masks
const selects = [1, 2, 4].map((bytes) => {
  const lanes = 16 / bytes;
  const cond = (v) => load("$pc", v * lanes, bytes === 1 ? "v128.load" : bytes === 2 ? "v128.load64_zero" : "v128.load32_zero");
  const mask = (v) => {
    let m = `(i8x16.ne ${cond(v)} ${ZERO})`;
    if (bytes >= 2) m = `(i16x8.extend_low_i8x16_s ${m})`;
    if (bytes === 4) m = `(i32x4.extend_low_i16x8_s ${m})`;
    return m;
  };
  return [bytes, (v) => `(v128.bitselect ${A(v)} ${B(v)} ${mask(v)})`];
});
selects.forEach(([bytes, result], i) => sources.push(kernel(`isel${i}`, [["c", 1], ["a", bytes], ["b", bytes]], 16 / bytes, 16, result)));
const selParams = "(param $c i32) (param $a i32) (param $b i32) (param $y i32) (param $calls i32) (param $count i32) (param $rows i32) (param $inner i32) (param $cRow i32) (param $aRow i32) (param $bRow i32) (param $cStep i32) (param $aStep i32) (param $bStep i32) (param $scratch i32)";
sources.push(dispatch("isel", selects.length, selParams, argsOf(selParams)));

const wat = `;; Integer elementwise operators with WebAssembly SIMD, on BroadcastPlan's broadcasts (../kernels/broadcast.ts): a
;; module of its own beside int8.wat, importing the same memory (one per interpreter, see WasmHeap in ../wasm-kernels.ts).
;; Written by scripts/int-elementwise-wat.cjs (edit that, not this). Results are those of the JavaScript loops of
;; ../kernels/binary.ts bit for bit (see ../kernels/int-elementwise-simd.ts).
;;
;; ibin(kind, a, b, y, calls, count, rows, inner, aRow, bRow, aStep, bStep, scratch), kind (../kernels/int-elementwise-simd.ts):
${kinds.map(([name], i) => `;;   ${i} ${name}`).join("\n")}
;; isel(kind, c, a, b, y, calls, count, rows, inner, cRow, aRow, bRow, cStep, aStep, bStep, scratch): SELECT_V2 on
;;   elements of 1, 2, 4 bytes (kind 0, 1, 2); c holds one byte per element.
;; For each of count outer offsets (byte offsets of each input then of y, at calls), rows × inner outputs: per row each
;; input starts at its offset and moves its Row bytes to the next; its Step is the bytes of one vector where it
;; advances with the output inside a row, 0 where the value at the row's start repeats along it. The vector loops
;; read up to 15 bytes past an input's data (the heap keeps slack for that) and never store past the output's.
;; expand(src, dst, n, block, bytes): see there.
;; tab8(a, b, y, calls, count, rows, inner, aRow, bRow, aStep, bStep, table): 8-bit y = table[a × 256 + b] (raw bytes,
;;   steps 1 or 0 per element): the 8-bit comparisons, int8 SQUARED_DIFFERENCE and uint8 DIV, tabulated.
(module
  (import "env" "memory" (memory 1))

  ;; n bytes from src to dst
  (func $copyBytes (param $dst i32) (param $src i32) (param $n i32)
    (loop $byte
      (i32.store8 (local.get $dst) (i32.load8_u (local.get $src)))
      (local.set $dst (i32.add (local.get $dst) (i32.const 1)))
      (local.set $src (i32.add (local.get $src) (i32.const 1)))
      (br_if $byte (local.tee $n (i32.sub (local.get $n) (i32.const 1))))))
${sources.join("\n")}

  ;; n values of bytes (1, 2, 4) each from src, each repeated over block bytes (at most 64) side by side at dst:
  ;; a value per row widened to rows (see tileShortRows in ../kernels/broadcast.ts); stores up to 15 bytes past the end
  (func (export "expand") (param $src i32) (param $dst i32) (param $n i32) (param $block i32) (param $bytes i32)
    (local $v v128) (local $o i32)
    (if (i32.eqz (local.get $n)) (then (return)))
    (loop $row
      (if (i32.eq (local.get $bytes) (i32.const 4))
        (then (local.set $v (v128.load32_splat (local.get $src))))
        (else (if (i32.eq (local.get $bytes) (i32.const 2))
          (then (local.set $v (v128.load16_splat (local.get $src))))
          (else (local.set $v (v128.load8_splat (local.get $src)))))))
      (local.set $o (i32.const 0))
      (loop $fill
        (v128.store (i32.add (local.get $dst) (local.get $o)) (local.get $v))
        (br_if $fill (i32.lt_u (local.tee $o (i32.add (local.get $o) (i32.const 16))) (local.get $block))))
      (local.set $src (i32.add (local.get $src) (local.get $bytes)))
      (local.set $dst (i32.add (local.get $dst) (local.get $block)))
      (br_if $row (local.tee $n (i32.sub (local.get $n) (i32.const 1))))))

  (func (export "tab8") (param $a i32) (param $b i32) (param $y i32) (param $calls i32) (param $count i32) (param $rows i32) (param $inner i32)
    (param $aRow i32) (param $bRow i32) (param $aStep i32) (param $bStep i32) (param $table i32)
    (local $ra i32) (local $rb i32) (local $ry i32) (local $pa i32) (local $pb i32) (local $py i32) (local $end i32) (local $r i32)
    (if (i32.eqz (i32.mul (local.get $rows) (local.get $inner))) (then (return)))
    (loop $call
      (local.set $ra (i32.add (local.get $a) (i32.load (local.get $calls))))
      (local.set $rb (i32.add (local.get $b) (i32.load offset=4 (local.get $calls))))
      (local.set $ry (i32.add (local.get $y) (i32.load offset=8 (local.get $calls))))
      (local.set $r (local.get $rows))
      (loop $row
        (local.set $pa (local.get $ra)) (local.set $pb (local.get $rb)) (local.set $py (local.get $ry))
        (local.set $end (i32.add (local.get $ry) (local.get $inner)))
        (loop $element
          (i32.store8 (local.get $py) (i32.load8_u (i32.add (local.get $table)
            (i32.or (i32.shl (i32.load8_u (local.get $pa)) (i32.const 8)) (i32.load8_u (local.get $pb))))))
          (local.set $pa (i32.add (local.get $pa) (local.get $aStep)))
          (local.set $pb (i32.add (local.get $pb) (local.get $bStep)))
          (br_if $element (i32.lt_u (local.tee $py (i32.add (local.get $py) (i32.const 1))) (local.get $end))))
        (local.set $ra (i32.add (local.get $ra) (local.get $aRow)))
        (local.set $rb (i32.add (local.get $rb) (local.get $bRow)))
        (local.set $ry (local.get $end))
        (br_if $row (local.tee $r (i32.sub (local.get $r) (i32.const 1)))))
      (local.set $calls (i32.add (local.get $calls) (i32.const 12)))
      (br_if $call (local.tee $count (i32.sub (local.get $count) (i32.const 1))))))
)
`;
process.stdout.write(wat);
