// Writes lib/tflite/wasm/float-elementwise.wat to stdout: copies of one loop that differ only in their arithmetic
// (one loop per operator keeps the dispatch out of the inner loop). Run: node scripts/float-elementwise-wat.cjs > lib/tflite/wasm/float-elementwise.wat
"use strict";
const { lanes, operands } = require("./wat-snippets.cjs");
// each operator's vector of four results from the operands at byte `off` of $pa and $pb
const load = (p, off, kind = "v128.load") => `(${kind}${off ? ` offset=${off}` : ""} (local.get ${p}))`;
const A = (off) => load("$pa", off);
const B = (off) => load("$pb", off);
// a / b in double precision, floored, rounded to single: two lanes at a time (the low and the high half)
const floorDivHalf = (off) =>
  `(f32x4.demote_f64x2_zero (f64x2.floor (f64x2.div (f64x2.promote_low_f32x4 ${load("$pa", off, "v128.load64_zero")}) (f64x2.promote_low_f32x4 ${load("$pb", off, "v128.load64_zero")}))))`;
const ops = [
  ["ADD", (o) => `(f32x4.add ${A(o)} ${B(o)})`],
  ["SUB", (o) => `(f32x4.sub ${A(o)} ${B(o)})`],
  ["MUL", (o) => `(f32x4.mul ${A(o)} ${B(o)})`],
  // u > v ? u : v is pmax(v, u); u < v ? u : v is pmin(v, u)
  ["MAXIMUM", (o) => `(f32x4.pmax ${B(o)} ${A(o)})`],
  ["MINIMUM", (o) => `(f32x4.pmin ${B(o)} ${A(o)})`],
  ["SQUARED_DIFFERENCE", (o) => `(f32x4.mul (local.tee $d (f32x4.sub ${A(o)} ${B(o)})) (local.get $d))`],
  // single-precision division is the double quotient rounded once to single (53 ≥ 2 × 24 + 2 bits: no double rounding)
  ["DIV", (o) => `(f32x4.div ${A(o)} ${B(o)})`],
  ["FLOOR_DIV", (o) => `(i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 ${floorDivHalf(o)} ${floorDivHalf(o + 8)})`],
  // the comparisons: lane masks narrowed to one byte each, 1 where true
  ...["eq", "ne", "lt", "le", "gt", "ge"].map((c) => [`compare ${c}`, (o) => `(f32x4.${c} ${A(o)} ${B(o)})`, true]),
];
const bools = (e) => `(v128.and (i8x16.narrow_i16x8_s (local.tee $m (i16x8.narrow_i32x4_s (local.tee $m ${e}) (local.get $m))) (local.get $m)) (v128.const i32x4 0x01010101 0x01010101 0x01010101 0x01010101))`;
// the statement storing the four outputs of the vector at byte `off` of the inputs
const store = (e, off, bool) =>
  bool ? `(v128.store32_lane offset=${off / 4} 0 (local.get $py) ${bools(e(off))})` : `(v128.store offset=${off} (local.get $py) ${clamp(e(off))})`;
const clamp = (e) => `(f32x4.pmin (f32x4.pmax ${e} (local.get $lov)) (local.get $hiv))`;
const loop = (name, e, i, bool) => `
    ;; ${i}: ${name}
    (loop $rows${i}
      (call $operands (local.get $a) (local.get $b) (local.get $aStep) (local.get $bStep) (local.get $scratch))
      (local.set $pa (global.get $pa)) (local.set $pb (global.get $pb))
      (local.set $py (local.get $y))
      (local.set $left (local.get $inner))
      (block $quad${i}end (loop $quad${i}
        (br_if $quad${i}end (i32.lt_s (local.get $left) (i32.const 16)))
        ${store(e, 0, bool)}
        ${store(e, 16, bool)}
        ${store(e, 32, bool)}
        ${store(e, 48, bool)}
        (local.set $pa (i32.add (local.get $pa) (local.get $aQuad)))
        (local.set $pb (i32.add (local.get $pb) (local.get $bQuad)))
        (local.set $py (i32.add (local.get $py) (i32.const ${bool ? 16 : 64})))
        (local.set $left (i32.sub (local.get $left) (i32.const 16)))
        (br $quad${i})))
      (block $tail${i} (loop $vec${i}
        (br_if $tail${i} (i32.lt_s (local.get $left) (i32.const 4)))
        ${store(e, 0, bool)}
        (local.set $pa (i32.add (local.get $pa) (local.get $aStep)))
        (local.set $pb (i32.add (local.get $pb) (local.get $bStep)))
        (local.set $py (i32.add (local.get $py) (i32.const ${bool ? 4 : 16})))
        (local.set $left (i32.sub (local.get $left) (i32.const 4)))
        (br $vec${i})))
      (if (i32.gt_s (local.get $left) (i32.const 0))
        (then ${bool ? `(call $byteLanes (local.get $py) ${bools(e(0))} (local.get $left))` : `(call $lanes (local.get $py) ${clamp(e(0))} (local.get $left))`}))
      (local.set $a (i32.add (local.get $a) (local.get $aRow)))
      (local.set $b (i32.add (local.get $b) (local.get $bRow)))
      (local.set $y (i32.add (local.get $y) (i32.shl (local.get $inner) (i32.const ${bool ? 0 : 2}))))
      (br_if $rows${i} (local.tee $rows (i32.sub (local.get $rows) (i32.const 1)))))
    (return)`;
let body = "";
// nested blocks: the innermost is kind 0
let open = ops.map((_, i) => `(block $k${i}`).reverse().join(" ");
body += `    (if (i32.eqz (local.get $rows)) (then (return)))\n`;
body += `    ${open}\n      (br_table ${ops.map((_, i) => "$k" + i).join(" ")} $k${ops.length - 1} (local.get $kind)))`;
ops.forEach(([n, e, bool], i) => {
  body += loop(n, e, i, bool);
  if (i < ops.length - 1) body += `)`;
});
const wat = `;; float32 ADD, SUB, MUL, MAXIMUM, MINIMUM, SQUARED_DIFFERENCE, DIV, FLOOR_DIV and the six comparisons with WebAssembly SIMD (f32x4), four elements
;; per step (sixteen per round of the main loop), the fused activation inline. A module of its own beside int8.wat, importing the same memory (one per
;; interpreter, see WasmHeap in ../wasm-kernels.ts). Assembled by scripts/build.js (wabt) into
;; dist/lib/tflite/wasm/float-elementwise.wasm. Written by scripts/float-elementwise-wat.cjs (edit that, not this): the loops differ only
;; in their arithmetic line (one loop per operator keeps the dispatch out of the inner loop).
;;
;; Results are those of the JavaScript loops of ../kernels/elementwise.ts and binary.ts bit for bit:
;; - f32x4.add/sub/mul round once to single precision, as storing the double result of two floats does;
;; - the activation clamp r < lo ? lo : r > hi ? hi : r is pmin(pmax(r, lo), hi) (pseudo-min/max are exactly these
;;   selects: NaN and -0 pass through as in JavaScript, which f32x4.min/max would not);
;; - MAXIMUM u > v ? u : v is pmax(v, u), MINIMUM u < v ? u : v is pmin(v, u);
;; - DIV is f32x4.div (the double quotient rounded to single, as JavaScript's f32(u / v)); FLOOR_DIV divides and floors
;;   in double precision (f64x2, two lanes at a time) and rounds the result to single, as Math.floor(u / v) stored;
;; - the comparisons are IEEE's, as JavaScript's (NaN unequal to all, -0 equal to +0); their outputs are bytes 0 / 1.
;;
;; fbin: for each of count outer offsets (three byte offsets into a, b and y at calls, see BroadcastPlan in
;; ../kernels/broadcast.ts), rows × inner outputs at y. Per row, each operand starts at a (b) and advances aRow (bRow) bytes to the next
;; row; aStep (bStep) is 16 when it advances with the output inside a row, 0 when its one value at the row's start
;; stands for the whole row (splat into 64 bytes at scratch / scratch + 64). The last inner mod 4 outputs of a row
;; are stored lane by lane (their inputs read up to 12 bytes past the data: the heap keeps slack for that).
(module
  (import "env" "memory" (memory 1))${operands}
${lanes}

  ;; the first n (1..3) bytes of r at p
  (func $byteLanes (param $p i32) (param $r v128) (param $n i32)
    (v128.store8_lane 0 (local.get $p) (local.get $r))
    (if (i32.gt_s (local.get $n) (i32.const 1)) (then (v128.store8_lane offset=1 1 (local.get $p) (local.get $r))))
    (if (i32.gt_s (local.get $n) (i32.const 2)) (then (v128.store8_lane offset=2 2 (local.get $p) (local.get $r)))))

  (func (export "fbin") (param $kind i32) (param $a i32) (param $b i32) (param $y i32) (param $calls i32) (param $count i32) (param $rows i32) (param $inner i32)
    (param $aRow i32) (param $bRow i32) (param $aStep i32) (param $bStep i32) (param $lo f32) (param $hi f32) (param $scratch i32)
    (loop $call
      (call $run (local.get $kind) (i32.add (local.get $a) (i32.load (local.get $calls))) (i32.add (local.get $b) (i32.load offset=4 (local.get $calls)))
        (i32.add (local.get $y) (i32.load offset=8 (local.get $calls))) (local.get $rows) (local.get $inner) (local.get $aRow) (local.get $bRow)
        (local.get $aStep) (local.get $bStep) (local.get $lo) (local.get $hi) (local.get $scratch))
      (local.set $calls (i32.add (local.get $calls) (i32.const 12)))
      (br_if $call (local.tee $count (i32.sub (local.get $count) (i32.const 1))))))

  (func $run (param $kind i32) (param $a i32) (param $b i32) (param $y i32) (param $rows i32) (param $inner i32)
    (param $aRow i32) (param $bRow i32) (param $aStep i32) (param $bStep i32) (param $lo f32) (param $hi f32) (param $scratch i32)
    (local $lov v128) (local $hiv v128) (local $d v128) (local $pa i32) (local $pb i32) (local $py i32) (local $left i32) (local $m v128)
    (local $aQuad i32) (local $bQuad i32)
    (local.set $aQuad (i32.shl (local.get $aStep) (i32.const 2)))
    (local.set $bQuad (i32.shl (local.get $bStep) (i32.const 2)))
    (local.set $lov (f32x4.splat (local.get $lo)))
    (local.set $hiv (f32x4.splat (local.get $hi)))
${body})
)
`;
process.stdout.write(wat);
