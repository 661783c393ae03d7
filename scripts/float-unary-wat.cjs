// Writes lib/tflite/wasm/float-unary.wat to stdout: one loop per unary operator that differ only in their arithmetic
// (one loop per operator keeps the dispatch out of the inner loop), and PRELU's broadcast loops (float32, 8-bit).
// Run: node scripts/float-unary-wat.cjs > lib/tflite/wasm/float-unary.wat
"use strict";
const { lanes, operands } = require("./wat-snippets.cjs");
const splat = (v) => `(v128.const f32x4 ${v} ${v} ${v} ${v})`;
const v = "(local.get $v)";
// [name, the result of the four inputs in $v]; the order is FloatUnaryKind's (../lib/tflite/kernels/float-unary-simd.ts)
const ops = [
  ["NEG float32", `(f32x4.neg ${v})`],
  ["NEG int32", `(i32x4.neg ${v})`],
  ["SQUARE", `(f32x4.mul ${v} ${v})`],
  ["SQRT", `(f32x4.sqrt ${v})`],
  ["RSQRT: 1 / sqrt(x), each rounded", `(f32x4.div ${splat(1)} (f32x4.sqrt ${v}))`],
  ["ABS", `(f32x4.abs ${v})`],
  // x < lo ? lo : x is pmax(x, lo); x > hi ? hi : x is pmin(x, hi)
  ["RELU", `(f32x4.pmax ${v} ${splat(0)})`],
  ["RELU6", `(f32x4.pmin (f32x4.pmax ${v} ${splat(0)}) ${splat(6)})`],
  ["RELU_N1_TO_1", `(f32x4.pmin (f32x4.pmax ${v} ${splat(-1)}) ${splat(1)})`],
  ["LEAKY_RELU: x > 0 ? x : x * alpha", `(v128.bitselect ${v} (f32x4.mul ${v} (local.get $pv)) (f32x4.gt ${v} ${splat(0)}))`],
  // min(6, max(0, x + 3)): x + 3 is never -0, and a NaN passes through pmax(·, 0) and pmin(·, 6) as through Math's
  ["HARD_SWISH: x * min(6, max(0, x + 3)) / 6", `(f32x4.div (f32x4.mul ${v} (f32x4.pmin (f32x4.pmax (f32x4.add ${v} ${splat(3)}) ${splat(0)}) ${splat(6)})) ${splat(6)})`],
  // XNNPACK's f32 vhswish (the xnnpack arithmetic): min(6, max(0, x + 3)) times x * (1/6 in single precision)
  ["HARD_SWISH as XNNPACK", `(f32x4.mul (f32x4.pmin (f32x4.pmax (f32x4.add ${v} ${splat(3)}) ${splat(0)}) ${splat(6)}) (f32x4.mul ${v} ${splat("0x1.555556p-3")}))`],
];
const step = (e, off) => `(local.set $v (v128.load offset=${off} (local.get $x))) (v128.store offset=${off} (local.get $y) ${e})`;
const loop = (name, e, i) => `
    ;; ${i}: ${name}
    (block $quad${i}end (loop $quad${i}
      (br_if $quad${i}end (i32.lt_s (local.get $n) (i32.const 16)))
      ${step(e, 0)}
      ${step(e, 16)}
      ${step(e, 32)}
      ${step(e, 48)}
      (local.set $x (i32.add (local.get $x) (i32.const 64)))
      (local.set $y (i32.add (local.get $y) (i32.const 64)))
      (local.set $n (i32.sub (local.get $n) (i32.const 16)))
      (br $quad${i})))
    (block $tail${i} (loop $vec${i}
      (br_if $tail${i} (i32.lt_s (local.get $n) (i32.const 4)))
      ${step(e, 0)}
      (local.set $x (i32.add (local.get $x) (i32.const 16)))
      (local.set $y (i32.add (local.get $y) (i32.const 16)))
      (local.set $n (i32.sub (local.get $n) (i32.const 4)))
      (br $vec${i})))
    (if (i32.gt_s (local.get $n) (i32.const 0))
      (then (local.set $v (v128.load (local.get $x))) (call $lanes (local.get $y) ${e} (local.get $n))))
    (return)`;
let body = "";
body += `    ${ops.map((_, i) => `(block $k${i}`).reverse().join(" ")}\n`;
body += `      (br_table ${ops.map((_, i) => "$k" + i).join(" ")} $k${ops.length - 1} (local.get $kind)))`;
ops.forEach(([n, e], i) => {
  body += loop(n, e, i);
  if (i < ops.length - 1) body += `)`;
});

// PRELU x >= 0 ? x : x * alpha over fbin's broadcast plan (../lib/tflite/kernels/float-elementwise-simd.ts)
const prelu = (off) => {
  const at = (p) => `(v128.load offset=${off} (local.get ${p}))`;
  return `(local.set $v ${at("$pa")}) (v128.store offset=${off} (local.get $py) (v128.bitselect ${v} (f32x4.mul ${v} ${at("$pb")}) (f32x4.ge ${v} ${splat(0)})))`;
};

const wat = `;; float32 (and int32 NEG) unary operators and PRELU (float32, and 8-bit as lookups) with WebAssembly SIMD (f32x4), four elements per step (sixteen per
;; round of the main loop). A module of its own beside int8.wat, importing the same memory (one per interpreter, see
;; WasmHeap in ../wasm-kernels.ts). Assembled by scripts/build.js (wabt) into dist/lib/tflite/wasm/float-unary.wasm.
;; Written by scripts/float-unary-wat.cjs (edit that, not this).
;;
;; Results are those of the JavaScript loops of ../kernels/unary.ts, activations.ts, hard-swish.ts and binary.ts bit
;; for bit: f32x4.mul/div/add/sqrt round once to single precision, as storing the double result of float operands
;; does (for these operations double rounding gives the correctly rounded float); the clamps are pseudo-min/max,
;; exactly the selects x < lo ? lo : x and x > hi ? hi : x (NaN and -0 pass through as in JavaScript, which
;; f32x4.min/max would not); the selects of LEAKY_RELU and PRELU are bitselects on IEEE comparisons.
;;
;; funary: n outputs at y from n inputs at x (may be the same place); p is LEAKY_RELU's alpha. The last n mod 4
;; outputs are stored lane by lane (their inputs read up to 12 bytes past the data: the heap keeps slack for that).
;; fprelu: fbin's rows × inner plan with its parameters (see float-elementwise.wat), x as a, alpha as b.
;; prelu8: int8 / uint8 PRELU over the same plan in elements (steps 1 or 0), one lookup per output: the byte at
;; rowOf[alpha byte] + x (x signed when \`signed\`), rowOf 256 addresses of rows of the output table.
(module
  (import "env" "memory" (memory 1))${operands}
${lanes}

  (func (export "funary") (param $kind i32) (param $x i32) (param $y i32) (param $n i32) (param $p f32)
    (local $v v128) (local $pv v128)
    (local.set $pv (f32x4.splat (local.get $p)))
${body})

  (func (export "fprelu") (param $a i32) (param $b i32) (param $y i32) (param $rows i32) (param $inner i32)
    (param $aRow i32) (param $bRow i32) (param $aStep i32) (param $bStep i32) (param $scratch i32)
    (local $v v128) (local $pa i32) (local $pb i32) (local $py i32) (local $left i32) (local $aQuad i32) (local $bQuad i32)
    (local.set $aQuad (i32.shl (local.get $aStep) (i32.const 2)))
    (local.set $bQuad (i32.shl (local.get $bStep) (i32.const 2)))
    (if (i32.eqz (local.get $rows)) (then (return)))
    (loop $rows
      (call $operands (local.get $a) (local.get $b) (local.get $aStep) (local.get $bStep) (local.get $scratch))
      (local.set $pa (global.get $pa)) (local.set $pb (global.get $pb))
      (local.set $py (local.get $y))
      (local.set $left (local.get $inner))
      (block $quadEnd (loop $quad
        (br_if $quadEnd (i32.lt_s (local.get $left) (i32.const 16)))
        ${prelu(0)}
        ${prelu(16)}
        ${prelu(32)}
        ${prelu(48)}
        (local.set $pa (i32.add (local.get $pa) (local.get $aQuad)))
        (local.set $pb (i32.add (local.get $pb) (local.get $bQuad)))
        (local.set $py (i32.add (local.get $py) (i32.const 64)))
        (local.set $left (i32.sub (local.get $left) (i32.const 16)))
        (br $quad)))
      (block $tail (loop $vec
        (br_if $tail (i32.lt_s (local.get $left) (i32.const 4)))
        ${prelu(0)}
        (local.set $pa (i32.add (local.get $pa) (local.get $aStep)))
        (local.set $pb (i32.add (local.get $pb) (local.get $bStep)))
        (local.set $py (i32.add (local.get $py) (i32.const 16)))
        (local.set $left (i32.sub (local.get $left) (i32.const 4)))
        (br $vec)))
      (if (i32.gt_s (local.get $left) (i32.const 0))
        (then
          (local.set $v (v128.load (local.get $pa)))
          (call $lanes (local.get $py) (v128.bitselect ${v} (f32x4.mul ${v} (v128.load (local.get $pb))) (f32x4.ge ${v} ${splat(0)})) (local.get $left))))
      (local.set $a (i32.add (local.get $a) (local.get $aRow)))
      (local.set $b (i32.add (local.get $b) (local.get $bRow)))
      (local.set $y (i32.add (local.get $y) (i32.shl (local.get $inner) (i32.const 2))))
      (br_if $rows (local.tee $rows (i32.sub (local.get $rows) (i32.const 1))))))

  (func (export "prelu8") (param $signed i32) (param $x i32) (param $alpha i32) (param $y i32) (param $rows i32) (param $inner i32)
    (param $xRow i32) (param $alphaRow i32) (param $xStep i32) (param $alphaStep i32) (param $rowOf i32)
    (local $px i32) (local $pa i32) (local $py i32) (local $end i32)
    (if (i32.eqz (i32.mul (local.get $rows) (local.get $inner))) (then (return)))
    (loop $rows
      (local.set $px (local.get $x)) (local.set $pa (local.get $alpha)) (local.set $py (local.get $y))
      (local.set $end (i32.add (local.get $y) (local.get $inner)))
      (if (local.get $signed)
        (then
          (loop $load8_s
            (i32.store8 (local.get $py) (i32.load8_u (i32.add (i32.load (i32.add (local.get $rowOf) (i32.shl (i32.load8_u (local.get $pa)) (i32.const 2)))) (i32.load8_s (local.get $px)))))
            (local.set $px (i32.add (local.get $px) (local.get $xStep)))
            (local.set $pa (i32.add (local.get $pa) (local.get $alphaStep)))
            (br_if $load8_s (i32.ne (local.tee $py (i32.add (local.get $py) (i32.const 1))) (local.get $end)))))
        (else
          (loop $load8_u
            (i32.store8 (local.get $py) (i32.load8_u (i32.add (i32.load (i32.add (local.get $rowOf) (i32.shl (i32.load8_u (local.get $pa)) (i32.const 2)))) (i32.load8_u (local.get $px)))))
            (local.set $px (i32.add (local.get $px) (local.get $xStep)))
            (local.set $pa (i32.add (local.get $pa) (local.get $alphaStep)))
            (br_if $load8_u (i32.ne (local.tee $py (i32.add (local.get $py) (i32.const 1))) (local.get $end))))))
      (local.set $x (i32.add (local.get $x) (local.get $xRow)))
      (local.set $alpha (i32.add (local.get $alpha) (local.get $alphaRow)))
      (local.set $y (i32.add (local.get $y) (local.get $inner)))
      (br_if $rows (local.tee $rows (i32.sub (local.get $rows) (i32.const 1))))))
)
`;
process.stdout.write(wat);
