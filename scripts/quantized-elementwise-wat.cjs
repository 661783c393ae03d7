// Writes lib/tflite/wasm/quantized-elementwise.wat to stdout: the 8-bit ADD / SUB / MUL loop once per arithmetic and
// signedness (one loop each keeps the dispatch out of the inner loop), the byte-table lookup with its sixteen
// swizzles, the dequantization. Run: node scripts/quantized-elementwise-wat.cjs > lib/tflite/wasm/quantized-elementwise.wat
"use strict";

const get = (n) => `(local.get $${n})`;
const splat = (word) => `(i32x4.splat (i32.load offset=${4 * word} (local.get $p)))`;

// RoundingDivideByPOT by e (a scalar local), with its mask and half-mask splat in $<e>m, $<e>h:
// (v >> e) + ((v & mask) > (mask >> 1) + (v < 0)), the comparison's -1 subtracted
const rdpot = (v, e) =>
  `(i32x4.sub (i32x4.shr_s ${v} ${get(e)}) (i32x4.gt_s (v128.and ${v} ${get(`${e}m`)}) (i32x4.sub ${get(`${e}h`)} (i32x4.lt_s ${v} (v128.const i32x4 0 0 0 0)))))`;
// SaturatingRoundingDoublingHighMul(v, m) for m in [0, 2^31): floor((v m + 2^30) / 2^31) from the 64-bit products;
// a logical shift gives the same low 32 bits as an arithmetic one (bits 31..62), and is one instruction on x64
const srdhm = (v, m) =>
  `(i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27
          (i64x2.shr_u (i64x2.add (i64x2.extmul_low_i32x4_s ${v} ${m}) (v128.const i64x2 0x40000000 0x40000000)) (i32.const 31))
          (i64x2.shr_u (i64x2.add (i64x2.extmul_high_i32x4_s ${v} ${m}) (v128.const i64x2 0x40000000 0x40000000)) (i32.const 31)))`;
// SRDHM(d · 2^20, m) for |d| < 2048: with m = mh 2^16 + ml, d mh 2^5 + floor((d ml + 2^10) / 2^11), all in 32 bits
const srdhm20 = (d, mh, ml) =>
  `(i32x4.add (i32x4.shl (i32x4.mul ${d} ${get(mh)}) (i32.const 5)) (i32x4.shr_s (i32x4.add (i32x4.mul ${d} ${get(ml)}) (v128.const i32x4 1024 1024 1024 1024)) (i32.const 11)))`;

// per arithmetic: the statements of one quarter (four lanes) leaving its int32 result in $r, from the raw inputs as
// int32 (x, y) or, for MUL, the offset inputs' int32 product (pr)
const quarter = {
  refAdd: (x, y) => `
          (local.set $d ${srdhm20(`(i32x4.add ${x} ${get("aoff")})`, "m1h", "m1l")})
          (local.set $s ${rdpot(get("d"), "e1")})
          (local.set $d ${srdhm20(`(i32x4.add ${y} ${get("boff")})`, "m2h", "m2l")})
          (local.set $d ${rdpot(get("d"), "e2")})
          (local.set $d (i32x4.add ${get("s")} (i32x4.sub (v128.xor ${get("d")} ${get("neg")}) ${get("neg")})))
          (local.set $d ${srdhm(get("d"), get("mo"))})
          (local.set $r ${rdpot(get("d"), "e3")})`,
  xnnAdd: (x, y) => `
          (local.set $r (i32x4.shr_s (i32x4.add ${get("bias")} (i32x4.add (i32x4.mul ${x} ${get("ma")}) (i32x4.mul ${y} ${get("mb")}))) ${get("e1")}))`,
  refMul: (pr) => `
          (local.set $d ${srdhm(`(i32x4.shl ${pr} ${get("e1")})`, get("mo"))})
          (local.set $r ${rdpot(get("d"), "e2")})`,
  // to nearest, ties to even, by the magic bias 1.5 · 2^23 (whose binade has unit steps) on the product clamped to ±2^22:
  // beyond that it saturates in the int16 narrowing all the same
  xnnMul: (pr) => `
          (local.set $r (i32x4.sub (f32x4.add (f32x4.pmin (f32x4.pmax (f32x4.mul (f32x4.convert_i32x4_s ${pr}) ${get("fs")})
            (v128.const f32x4 -0x1p22 -0x1p22 -0x1p22 -0x1p22)) (v128.const f32x4 0x1p22 0x1p22 0x1p22 0x1p22))
            (v128.const f32x4 0x1.8p23 0x1.8p23 0x1.8p23 0x1.8p23)) (v128.const i32x4 0x4b400000 0x4b400000 0x4b400000 0x4b400000)))`,
};
// int16 (zero points 0): the general ADD / SUB's input rescale floor((x m + 2^15) / 2^16) is, with m = mh 2^16 + ml,
// x mh + floor((x ml + 2^15) / 2^16) in 32 bits for |x| <= 2^15 (int16Rescale in ../lib/tflite/kernels/elementwise.ts)
const srdhm16 = (x, mh, ml) => `(i32x4.add (i32x4.mul ${x} ${get(mh)}) (i32x4.shr_s (i32x4.add (i32x4.mul ${x} ${get(ml)}) (v128.const i32x4 32768 32768 32768 32768)) (i32.const 16)))`;
Object.assign(quarter, {
  add16: (x, y) => `
          (local.set $d ${srdhm16(x, "m1h", "m1l")})
          (local.set $s ${rdpot(get("d"), "e1")})
          (local.set $d ${srdhm16(y, "m2h", "m2l")})
          (local.set $d ${rdpot(get("d"), "e2")})
          (local.set $d (i32x4.add ${get("s")} (i32x4.sub (v128.xor ${get("d")} ${get("neg")}) ${get("neg")})))
          (local.set $d ${srdhm(get("d"), get("mo"))})
          (local.set $r ${rdpot(get("d"), "e3")})`,
  // power-of-two scales: each input rounded right by its shift, summed (int16 saturation by the narrowing)
  pot16: (x, y) => `
          (local.set $d ${x})
          (local.set $s ${rdpot(get("d"), "e1")})
          (local.set $d ${y})
          (local.set $d ${rdpot(get("d"), "e2")})
          (local.set $r (i32x4.add ${get("s")} (i32x4.sub (v128.xor ${get("d")} ${get("neg")}) ${get("neg")})))`,
});
const setups = {
  refAdd: `
    (local.set $m1h ${splat(5)}) (local.set $m1l ${splat(6)}) (local.set $e1 (i32.load offset=28 (local.get $p)))
    (local.set $m2h ${splat(8)}) (local.set $m2l ${splat(9)}) (local.set $e2 (i32.load offset=40 (local.get $p)))
    (local.set $mo ${splat(11)}) (local.set $e3 (i32.load offset=48 (local.get $p))) (local.set $neg ${splat(13)})`,
  xnnAdd: `
    (local.set $bias ${splat(5)}) (local.set $ma ${splat(6)}) (local.set $mb ${splat(7)}) (local.set $e1 (i32.load offset=32 (local.get $p)))`,
  refMul: `
    (local.set $mo ${splat(5)}) (local.set $e1 (i32.load offset=24 (local.get $p))) (local.set $e2 (i32.load offset=28 (local.get $p)))`,
  xnnMul: `
    (local.set $fs (v128.load32_splat offset=20 (local.get $p)))`,
  pot16: `
    (local.set $e1 (i32.load offset=20 (local.get $p))) (local.set $e2 (i32.load offset=24 (local.get $p))) (local.set $neg ${splat(7)})`,
};
setups.add16 = setups.refAdd;
const masks = `
    (local.set $e1m (i32x4.splat (i32.sub (i32.shl (i32.const 1) (local.get $e1)) (i32.const 1)))) (local.set $e1h (i32x4.shr_s (local.get $e1m) (i32.const 1)))
    (local.set $e2m (i32x4.splat (i32.sub (i32.shl (i32.const 1) (local.get $e2)) (i32.const 1)))) (local.set $e2h (i32x4.shr_s (local.get $e2m) (i32.const 1)))
    (local.set $e3m (i32x4.splat (i32.sub (i32.shl (i32.const 1) (local.get $e3)) (i32.const 1)))) (local.set $e3h (i32x4.shr_s (local.get $e3m) (i32.const 1)))`;

const kinds = ["refAdd", "xnnAdd", "refMul", "xnnMul"];
const products = new Set(["refMul", "xnnMul"]);

// the 16 outputs of the vectors $va, $vb (raw bytes) as bytes, in $out
function body(kind, unsigned) {
  const ext = unsigned ? "u" : "s";
  const lines = [
    `(local.set $xl (i16x8.extend_low_i8x16_${ext} ${get("va")}))`,
    `(local.set $xh (i16x8.extend_high_i8x16_${ext} ${get("va")}))`,
    `(local.set $yl (i16x8.extend_low_i8x16_${ext} ${get("vb")}))`,
    `(local.set $yh (i16x8.extend_high_i8x16_${ext} ${get("vb")}))`,
  ];
  if (products.has(kind)) {
    lines.push(
      `(local.set $xl (i16x8.add ${get("xl")} ${get("aoff16")}))`,
      `(local.set $xh (i16x8.add ${get("xh")} ${get("aoff16")}))`,
      `(local.set $yl (i16x8.add ${get("yl")} ${get("boff16")}))`,
      `(local.set $yh (i16x8.add ${get("yh")} ${get("boff16")}))`,
    );
  }
  for (const h of ["l", "h"]) {
    for (const q of ["low", "high"]) {
      let code;
      if (products.has(kind)) code = quarter[kind](`(i32x4.extmul_${q}_i16x8_s ${get(`x${h}`)} ${get(`y${h}`)})`);
      else code = quarter[kind](`(i32x4.extend_${q}_i16x8_s ${get(`x${h}`)})`, `(i32x4.extend_${q}_i16x8_s ${get(`y${h}`)})`);
      lines.push(code, `(local.set $r${q === "low" ? 0 : 1} ${get("r")})`);
    }
    // narrowed with saturation before the offset and the clamp: a result beyond int16 lies beyond the clamp as well
    lines.push(`(local.set $o${h} (i16x8.min_s (i16x8.max_s (i16x8.add_sat_s (i16x8.narrow_i32x4_s (local.get $r0) (local.get $r1)) ${get("yoff16")}) ${get("lo16")}) ${get("hi16")}))`);
  }
  lines.push(`(local.set $out (i8x16.narrow_i16x8_${ext} (local.get $ol) (local.get $oh)))`);
  return lines.map((l) => `        ${l.trim()}`).join("\n");
}

// the 8 outputs of the int16 vectors $va, $vb in $out (zero points 0: no offsets)
function body16(kind) {
  const lines = [];
  for (const q of ["low", "high"]) {
    const code = products.has(kind)
      ? quarter[kind](`(i32x4.extmul_${q}_i16x8_s ${get("va")} ${get("vb")})`)
      : quarter[kind](`(i32x4.extend_${q}_i16x8_s ${get("va")})`, `(i32x4.extend_${q}_i16x8_s ${get("vb")})`);
    lines.push(code, `(local.set $r${q === "low" ? 0 : 1} ${get("r")})`);
  }
  // saturated to int16 by the narrowing, then clamped
  lines.push(`(local.set $out (i16x8.min_s (i16x8.max_s (i16x8.narrow_i32x4_s (local.get $r0) (local.get $r1)) ${get("lo16")}) ${get("hi16")}))`);
  return lines.map((l) => `        ${l.trim()}`).join("\n");
}

const loop = (kind, unsigned, i, wide = false) => `
  ;; ${i}: ${kind} ${wide ? "int16" : unsigned ? "uint8" : "int8"}
  (func $qbin${wide ? "16_" : ""}${i} (param $a i32) (param $b i32) (param $y i32) (param $rows i32) (param $inner i32) (param $aRow i32) (param $bRow i32) (param $aStep i32) (param $bStep i32) (param $p i32)
    (local $pa i32) (local $pb i32) (local $py i32) (local $left i32) (local $k i32)
    (local $va v128) (local $vb v128) (local $xl v128) (local $xh v128) (local $yl v128) (local $yh v128)
    (local $r v128) (local $r0 v128) (local $r1 v128) (local $ol v128) (local $oh v128) (local $out v128) (local $d v128) (local $s v128)
    (local $aoff v128) (local $boff v128) (local $aoff16 v128) (local $boff16 v128) (local $yoff16 v128) (local $lo16 v128) (local $hi16 v128)
    (local $m1h v128) (local $m1l v128) (local $m2h v128) (local $m2l v128) (local $mo v128) (local $neg v128) (local $bias v128) (local $ma v128) (local $mb v128) (local $fs v128)
    (local $e1 i32) (local $e2 i32) (local $e3 i32) (local $e1m v128) (local $e1h v128) (local $e2m v128) (local $e2h v128) (local $e3m v128) (local $e3h v128)
    (local.set $aoff ${splat(0)}) (local.set $boff ${splat(1)})
    (local.set $aoff16 (i16x8.splat (i32.load offset=0 (local.get $p)))) (local.set $boff16 (i16x8.splat (i32.load offset=4 (local.get $p))))
    (local.set $yoff16 (i16x8.splat (i32.load offset=8 (local.get $p))))
    (local.set $lo16 (i16x8.splat (i32.load offset=12 (local.get $p)))) (local.set $hi16 (i16x8.splat (i32.load offset=16 (local.get $p))))${setups[kind]}${masks}
    (loop $row
      ;; an operand that stays along the row: its byte splat in the scratch area
      (local.set $pa (local.get $a))
      (if (i32.eqz (local.get $aStep)) (then
        (v128.store offset=64 (local.get $p) (v128.load${wide ? 16 : 8}_splat (local.get $a)))
        (local.set $pa (i32.add (local.get $p) (i32.const 64)))))
      (local.set $pb (local.get $b))
      (if (i32.eqz (local.get $bStep)) (then
        (v128.store offset=80 (local.get $p) (v128.load${wide ? 16 : 8}_splat (local.get $b)))
        (local.set $pb (i32.add (local.get $p) (i32.const 80)))))
      (local.set $py (local.get $y))
      (local.set $left (local.get $inner))
      (block $rowEnd (loop $vec
        (local.set $va (v128.load (local.get $pa)))
        (local.set $vb (v128.load (local.get $pb)))
${wide ? body16(kind) : body(kind, unsigned)}
        (if (i32.lt_s (local.get $left) (i32.const ${wide ? 8 : 16})) (then
          ;; the row's last left outputs, through the scratch area (the inputs were read past their end)
          (v128.store offset=96 (local.get $p) (local.get $out))
          (local.set $k (i32.const 0))
          (loop $byte
            (i32.store8 (i32.add (local.get $py) (local.get $k)) (i32.load8_u offset=96 (i32.add (local.get $p) (local.get $k))))
            (br_if $byte (i32.lt_s (local.tee $k (i32.add (local.get $k) (i32.const 1))) ${wide ? "(i32.shl (local.get $left) (i32.const 1))" : "(local.get $left)"})))
          (br $rowEnd)))
        (v128.store (local.get $py) (local.get $out))
        (local.set $pa (i32.add (local.get $pa) (local.get $aStep)))
        (local.set $pb (i32.add (local.get $pb) (local.get $bStep)))
        (local.set $py (i32.add (local.get $py) (i32.const 16)))
        (br_if $vec (local.tee $left (i32.sub (local.get $left) (i32.const ${wide ? 8 : 16}))))))
      (local.set $a (i32.add (local.get $a) (local.get $aRow)))
      (local.set $b (i32.add (local.get $b) (local.get $bRow)))
      (local.set $y (i32.add (local.get $y) ${wide ? "(i32.shl (local.get $inner) (i32.const 1))" : "(local.get $inner)"}))
      (br_if $row (local.tee $rows (i32.sub (local.get $rows) (i32.const 1))))))`;

const loops = [];
const names = [];
kinds.forEach((kind, k) =>
  [0, 1].forEach((unsigned) => {
    const i = 2 * k + unsigned;
    loops.push(loop(kind, unsigned, i));
    names.push(i);
  }),
);
const wideKinds = ["add16", "pot16", "refMul"];
const wideLoops = wideKinds.map((kind, i) => loop(kind, 0, i, true));

// y = table[x] for 16 bytes: slice t of the table answers the indices 16t..16t+15, swizzle gives 0 elsewhere
const lutSteps = Array.from({ length: 16 }, (_, t) =>
  t === 0
    ? `(local.set $r (i8x16.swizzle (local.get $t0) (local.get $v)))`
    : `(local.set $r (v128.or (local.get $r) (i8x16.swizzle (local.get $t${t}) (local.tee $v (i8x16.sub (local.get $v) (v128.const i8x16 16 16 16 16 16 16 16 16 16 16 16 16 16 16 16 16))))))`,
).join("\n        ");

// fquant: four floats to int32 lanes, in $r: TFLite's x / scale rounded half away from zero (trunc, plus the sign
// where the exact remainder is at least a half), or XNNPACK's x times the reciprocal, clamped, rounded half to even;
// clamped to [lo, hi] (the type's range minus the zero point: no wrap-around at the int32 ends), plus the zero point;
// NaN lanes 0 (as a typed array stores the NaN the JavaScript loops compute)
const fquantQuarter = (off) => `(local.set $f (v128.load offset=${off} (local.get $x)))
        (if (local.get $xnn)
          (then (local.set $r (i32x4.trunc_sat_f32x4_s (f32x4.nearest (f32x4.pmin (f32x4.pmax (f32x4.mul (local.get $f) (local.get $s)) (local.get $flo)) (local.get $fhi))))))
          (else
            (local.set $g (f32x4.div (local.get $f) (local.get $s)))
            (local.set $t (f32x4.trunc (local.get $g)))
            (local.set $r (i32x4.trunc_sat_f32x4_s (f32x4.add (local.get $t)
              (v128.and (f32x4.ge (f32x4.abs (f32x4.sub (local.get $g) (local.get $t))) (v128.const f32x4 0.5 0.5 0.5 0.5))
                (v128.or (v128.and (local.get $g) (v128.const i32x4 0x80000000 0x80000000 0x80000000 0x80000000)) (v128.const f32x4 1 1 1 1))))))))
        (local.set $r (v128.and (f32x4.eq (local.get $f) (local.get $f)) (i32x4.add (i32x4.min_s (i32x4.max_s (local.get $r) (local.get $lo)) (local.get $hi)) (local.get $z))))`;

process.stdout.write(`;; Quantized elementwise kernels with WebAssembly SIMD, a module of its own beside int8.wat on the same memory (see
;; WasmHeap in ../wasm-kernels.ts). Written by scripts/quantized-elementwise-wat.cjs (edit that, not this).
;; Results are those of the JavaScript loops of ../kernels/elementwise.ts, byte-lookup.ts and quantize.ts bit for bit.
;;
;; qbin: int8 / uint8 ADD, SUB, MUL over rows × inner outputs at y (kind = 2 × arithmetic + unsigned; arithmetic 0
;; TFLite's reference ADD / SUB, 1 XNNPACK's ADD / SUB, 2 the reference MUL, 3 XNNPACK's MUL). Per row, each operand
;; starts at a (b) and advances aRow (bRow) bytes to the next; aStep (bStep) is 16 where it advances with the output
;; inside the row, 0 where its byte at the row's start stands for the whole row. Sixteen outputs per step; a row's last
;; inner mod 16 go through the scratch area (inputs are read up to 15 bytes past their end: the heap keeps slack).
;; p: i32 words 0 a offset, 1 b offset, 2 output offset, 3 lo, 4 hi (the clamp, after the offset), then per arithmetic
;;   0: 5, 6 the high and low 16 bits of a's multiplier m1, 7 its right shift e1 (after a left shift by 20),
;;      8, 9, 10 the same for b, 11 the output's multiplier, 12 its right shift, 13 0 for ADD, -1 for SUB;
;;   1: 5 bias (zero points and rounding folded in), 6 a's multiplier, 7 b's multiplier, 8 the shift (offsets unused);
;;   2: 5 multiplier, 6 left shift, 7 right shift;
;;   3: 5 scale (f32);
;; and 48 bytes of scratch from byte 64.
;; The reference ADD's input rescale SRDHM(d 2^20, m) needs no 64-bit product for |d| < 2048 (see srdhm20 in the
;; generator); the output's does (extmul, then a logical shift: the low 32 bits are those of the arithmetic one).
(module
  (import "env" "memory" (memory 1))
${loops.join("\n")}
${wideLoops.join("\n")}

  (func (export "qbin") (param $kind i32) (param $a i32) (param $b i32) (param $y i32) (param $rows i32) (param $inner i32) (param $aRow i32) (param $bRow i32) (param $aStep i32) (param $bStep i32) (param $p i32)
    (if (i32.or (i32.eqz (local.get $rows)) (i32.eqz (local.get $inner))) (then (return)))
    ${names.map((i) => `(if (i32.eq (local.get $kind) (i32.const ${i})) (then (call $qbin${i} (local.get $a) (local.get $b) (local.get $y) (local.get $rows) (local.get $inner) (local.get $aRow) (local.get $bRow) (local.get $aStep) (local.get $bStep) (local.get $p)) (return)))`).join("\n    ")})

  ;; qbin16: int16 ADD, SUB, MUL, every zero point 0, over rows × inner outputs as qbin (operands' steps 16 bytes or 0,
  ;; eight outputs per step); kind 0 the general ADD / SUB (p as qbin's arithmetic 0, the inputs' rescale as
  ;; int16Rescale), 1 power-of-two scales (words 5, 6 each input's right shift, 7 0 for ADD, -1 for SUB), 2 MUL (as
  ;; qbin's arithmetic 2); words 3, 4 the clamp.
  (func (export "qbin16") (param $kind i32) (param $a i32) (param $b i32) (param $y i32) (param $rows i32) (param $inner i32) (param $aRow i32) (param $bRow i32) (param $aStep i32) (param $bStep i32) (param $p i32)
    (if (i32.or (i32.eqz (local.get $rows)) (i32.eqz (local.get $inner))) (then (return)))
    ${wideKinds.map((_, i) => `(if (i32.eq (local.get $kind) (i32.const ${i})) (then (call $qbin16_${i} (local.get $a) (local.get $b) (local.get $y) (local.get $rows) (local.get $inner) (local.get $aRow) (local.get $bRow) (local.get $aStep) (local.get $bStep) (local.get $p)) (return)))`).join("\n    ")})

  ;; lut8: y[i] = table[x[i]] for n bytes (the 256-byte table 16-byte aligned; an int8 value indexes it as its byte)
  (func (export "lut8") (param $x i32) (param $y i32) (param $n i32) (param $table i32)
    (local $end i32) (local $v v128) (local $r v128)
    ${Array.from({ length: 16 }, (_, t) => `(local $t${t} v128)`).join(" ")}
    ${Array.from({ length: 16 }, (_, t) => `(local.set $t${t} (v128.load offset=${16 * t} (local.get $table)))`).join("\n    ")}
    (local.set $end (i32.add (local.get $y) (i32.and (local.get $n) (i32.const -16))))
    (block $done (loop $next
      (br_if $done (i32.ge_u (local.get $y) (local.get $end)))
      (local.set $v (v128.load (local.get $x)))
      ${lutSteps}
      (v128.store (local.get $y) (local.get $r))
      (local.set $x (i32.add (local.get $x) (i32.const 16)))
      (local.set $y (i32.add (local.get $y) (i32.const 16)))
      (br $next)))
    (local.set $end (i32.add (local.get $end) (i32.and (local.get $n) (i32.const 15))))
    (block $tailDone (loop $tail
      (br_if $tailDone (i32.ge_u (local.get $y) (local.get $end)))
      (i32.store8 (local.get $y) (i32.load8_u (i32.add (local.get $table) (i32.load8_u (local.get $x)))))
      (local.set $x (i32.add (local.get $x) (i32.const 1)))
      (local.set $y (i32.add (local.get $y) (i32.const 1)))
      (br $tail))))

  ;; fquant: QUANTIZE float32 → int8 (out 0), uint8 (1) or int16 (2) of n values: xnn 0 TFLite's (x / scale rounded
  ;; half away from zero), 1 XNNPACK's (x times scale, the reciprocal then, clamped to [flo, fhi], rounded half to
  ;; even); clamped to [lo, hi] (the type's range minus zero), plus zero. Eight per step, the last n mod 8 through scratch (16 bytes).
  (func (export "fquant") (param $x i32) (param $y i32) (param $n i32) (param $out i32) (param $xnn i32) (param $scale f32)
    (param $flo1 f32) (param $fhi1 f32) (param $zero i32) (param $lo1 i32) (param $hi1 i32) (param $scratch i32)
    (local $f v128) (local $g v128) (local $t v128) (local $r v128) (local $r0 v128) (local $v v128) (local $s v128)
    (local $flo v128) (local $fhi v128) (local $z v128) (local $lo v128) (local $hi v128) (local $left i32) (local $k i32) (local $size i32)
    (local.set $s (f32x4.splat (local.get $scale)))
    (local.set $flo (f32x4.splat (local.get $flo1)))
    (local.set $fhi (f32x4.splat (local.get $fhi1)))
    (local.set $z (i32x4.splat (local.get $zero)))
    (local.set $lo (i32x4.splat (local.get $lo1)))
    (local.set $hi (i32x4.splat (local.get $hi1)))
    (local.set $size (i32.shr_u (local.get $out) (i32.const 1)))
    (local.set $left (local.get $n))
    (block $done (loop $next
      (br_if $done (i32.le_s (local.get $left) (i32.const 0)))
      ${fquantQuarter(0)}
      (local.set $r0 (local.get $r))
      ${fquantQuarter(16)}
      ;; clamped within the type: the narrowings are exact
      (local.set $v (i16x8.narrow_i32x4_s (local.get $r0) (local.get $r)))
      (if (i32.eq (local.get $out) (i32.const 1))
        (then (local.set $v (i8x16.narrow_i16x8_u (local.get $v) (local.get $v))))
        (else (if (i32.eqz (local.get $out)) (then (local.set $v (i8x16.narrow_i16x8_s (local.get $v) (local.get $v)))))))
      (if (i32.lt_s (local.get $left) (i32.const 8))
        (then
          (v128.store (local.get $scratch) (local.get $v))
          (local.set $k (i32.const 0))
          (loop $byte
            (i32.store8 (i32.add (local.get $y) (local.get $k)) (i32.load8_u (i32.add (local.get $scratch) (local.get $k))))
            (br_if $byte (i32.lt_s (local.tee $k (i32.add (local.get $k) (i32.const 1))) (i32.shl (local.get $left) (local.get $size)))))
          (return)))
      (if (local.get $size)
        (then (v128.store (local.get $y) (local.get $v)))
        (else (i64.store (local.get $y) (i64x2.extract_lane 0 (local.get $v)))))
      (local.set $x (i32.add (local.get $x) (i32.const 32)))
      (local.set $y (i32.add (local.get $y) (i32.shl (i32.const 8) (local.get $size))))
      (local.set $left (i32.sub (local.get $left) (i32.const 8)))
      (br $next))))

  ;;  dequant: y[i] = scale (x[i] - zero) in single precision (one rounding of the exact product, as the JavaScript
  ;;  loop stores it) for n int8 (kind 0), uint8 (1) or int16 (2) values, four at a time (the last n mod 4 lane by lane)
  (func (export "dequant") (param $x i32) (param $y i32) (param $n i32) (param $kind i32) (param $zero i32) (param $scale f32)
    (local $z v128) (local $s v128) (local $v v128) (local $left i32)
    (local.set $z (i32x4.splat (local.get $zero)))
    (local.set $s (f32x4.splat (local.get $scale)))
    (local.set $left (local.get $n))
    (block $done (loop $next
      (br_if $done (i32.le_s (local.get $left) (i32.const 0)))
      (local.set $v
        (if (result v128) (i32.eq (local.get $kind) (i32.const 2))
          (then (i32x4.extend_low_i16x8_s (v128.load64_zero (local.get $x))))
          (else (if (result v128) (local.get $kind)
            (then (i32x4.extend_low_i16x8_u (i16x8.extend_low_i8x16_u (v128.load32_zero (local.get $x)))))
            (else (i32x4.extend_low_i16x8_s (i16x8.extend_low_i8x16_s (v128.load32_zero (local.get $x)))))))))
      (local.set $v (f32x4.mul (f32x4.convert_i32x4_s (i32x4.sub (local.get $v) (local.get $z))) (local.get $s)))
      (if (i32.ge_s (local.get $left) (i32.const 4))
        (then (v128.store (local.get $y) (local.get $v)))
        (else
          (v128.store32_lane 0 (local.get $y) (local.get $v))
          (if (i32.gt_s (local.get $left) (i32.const 1)) (then (v128.store32_lane offset=4 1 (local.get $y) (local.get $v))))
          (if (i32.gt_s (local.get $left) (i32.const 2)) (then (v128.store32_lane offset=8 2 (local.get $y) (local.get $v))))))
      (local.set $x (i32.add (local.get $x) (i32.shl (i32.const 4) (i32.shr_u (local.get $kind) (i32.const 1)))))
      (local.set $y (i32.add (local.get $y) (i32.const 16)))
      (local.set $left (i32.sub (local.get $left) (i32.const 4)))
      (br $next))))
)
`);
