// Writes lib/tflite/wasm/reduce-pool.wat to stdout: the reductions (one accumulating loop per element type and
// operation) and the quantized pooling loops, generated because they differ only in their loads and arithmetic.
// Run: node scripts/reduce-pool-wat.cjs > lib/tflite/wasm/reduce-pool.wat
"use strict";

const get = (n) => `(local.get $${n})`;
const add = (a, b) => `(i32.add ${a} ${b})`;
const mul = (a, b) => `(i32.mul ${a} ${b})`;

// The reductions, in the order of their kind numbers (ReduceKind in ../lib/tflite/kernels/reduce-pool-simd.ts).
// xs / as: bytes per input / accumulator element; lanes: accumulator lanes per vector; s: the scalar type;
// vx(p): lanes inputs at p as accumulator lanes; vop(acc, x); sx(p) / sa(p) / st(p, v): scalar loads and store;
// sop(acc, x). Float max and min keep JavaScript's `v > acc ? v : acc` (pmax / pmin: NaN never wins, the first
// of equal zeros stays), integer sums in the element type wrap as TFLite's static_cast does.
const int = (bits, signed) => {
  const t = { 8: "i8x16", 16: "i16x8", 32: "i32x4" }[bits];
  const sfx = signed ? "_s" : "_u";
  const load = bits === 32 ? "i32.load" : `i32.load${bits}${signed ? "_s" : "_u"}`;
  const store = bits === 32 ? "i32.store" : `i32.store${bits}`;
  const cmp = (op) => (bits === 32 || signed ? `i32.${op}_s` : `i32.${op}_u`);
  return { load, store, t, sfx, cmp, xs: bits / 8 };
};
const reductions = [];
reductions.push(
  { name: "f32 add", xs: 4, as: 4, lanes: 4, s: "f32", vx: (p) => `(v128.load ${p})`, vop: (a, x) => `(f32x4.add ${a} ${x})`, sx: (p) => `(f32.load ${p})`, sa: (p) => `(f32.load ${p})`, st: (p, v) => `(f32.store ${p} ${v})`, sop: (a, x) => `(f32.add ${a} ${x})` },
  { name: "f32 max", xs: 4, as: 4, lanes: 4, s: "f32", vx: (p) => `(v128.load ${p})`, vop: (a, x) => `(f32x4.pmax ${a} ${x})`, sx: (p) => `(f32.load ${p})`, sa: (p) => `(f32.load ${p})`, st: (p, v) => `(f32.store ${p} ${v})`, sop: (a, x) => `(select ${x} ${a} (f32.gt ${x} ${a}))` },
  { name: "f32 min", xs: 4, as: 4, lanes: 4, s: "f32", vx: (p) => `(v128.load ${p})`, vop: (a, x) => `(f32x4.pmin ${a} ${x})`, sx: (p) => `(f32.load ${p})`, sa: (p) => `(f32.load ${p})`, st: (p, v) => `(f32.store ${p} ${v})`, sop: (a, x) => `(select ${x} ${a} (f32.lt ${x} ${a}))` },
);
for (const [bits, signed] of [[32, true], [16, true], [8, true], [8, false]]) {
  const k = int(bits, signed);
  const lanes = 16 / k.xs;
  const base = { xs: k.xs, as: k.xs, lanes, s: "i32", vx: (p) => `(v128.load ${p})`, sx: (p) => `(${k.load} ${p})`, sa: (p) => `(${k.load} ${p})`, st: (p, v) => `(${k.store} ${p} ${v})` };
  const tag = `${signed ? "i" : "u"}${bits}`;
  // uint8's wrapping sum is int8's
  if (signed) reductions.push({ ...base, name: `${tag} add`, vop: (a, x) => `(${k.t}.add ${a} ${x})`, sop: (a, x) => `(i32.add ${a} ${x})` });
  reductions.push({ ...base, name: `${tag} max`, vop: (a, x) => `(${k.t}.max${k.sfx} ${a} ${x})`, sop: (a, x) => `(select ${x} ${a} (${k.cmp("gt")} ${x} ${a}))` });
  reductions.push({ ...base, name: `${tag} min`, vop: (a, x) => `(${k.t}.min${k.sfx} ${a} ${x})`, sop: (a, x) => `(select ${x} ${a} (${k.cmp("lt")} ${x} ${a}))` });
}
// int8 / uint8 / int16 summed into int32 accumulators (MEAN, and SUM rescaled)
const widen = { xs: 0, as: 4, lanes: 4, s: "i32", sa: (p) => `(i32.load ${p})`, st: (p, v) => `(i32.store ${p} ${v})`, vop: (a, x) => `(i32x4.add ${a} ${x})`, sop: (a, x) => `(i32.add ${a} ${x})` };
reductions.push(
  { ...widen, name: "i8 sum into i32", xs: 1, bytes: "s", vx: (p) => `(i32x4.extend_low_i16x8_s (i16x8.extend_low_i8x16_s (v128.load32_zero ${p})))`, sx: (p) => `(i32.load8_s ${p})` },
  { ...widen, name: "u8 sum into i32", xs: 1, bytes: "u", vx: (p) => `(i32x4.extend_low_i16x8_u (i16x8.extend_low_i8x16_u (v128.load32_zero ${p})))`, sx: (p) => `(i32.load8_u ${p})` },
  { ...widen, name: "i16 sum into i32", xs: 2, vx: (p) => `(i32x4.extend_low_i16x8_s (v128.load64_zero ${p}))`, sx: (p) => `(i32.load16_s ${p})` },
);

// One reduction: for each of `outer` rows, acc[o][i] ∘= x[o][r][i] for r = 0 … red-1 in order, each output's inputs
// taken in the order TFLite's reducer takes them (a sum of floats rounds as it does).
// - inner ≥ lanes: a vector of adjacent outputs per chain; the last (inner mod lanes) outputs by a vector ending at the
//   row's end, computed before the others are stored (from the same accumulators, so the overlap stores equal values);
// - inner = 1: four outputs' chains interleaved (independent, so they overlap in the pipeline), each still in order;
// - otherwise one chain per output.
function reduction(r, n) {
  const { xs, as, lanes, s } = r;
  return `
  ;; ${n}: ${r.name}
  (func $vchain${n} (param $pa i32) (param $px i32) (param $red i32) (param $step i32) (result v128)
    (local $v v128)
    (local.set $v (v128.load ${get("pa")}))
    (loop $l
      (local.set $v ${r.vop(get("v"), r.vx(get("px")))})
      (local.set $px ${add(get("px"), get("step"))})
      (br_if $l (local.tee $red (i32.sub ${get("red")} (i32.const 1)))))
    ${get("v")})
  (func $schain${n} (param $pa i32) (param $px i32) (param $red i32) (param $step i32) (result ${s})
    (local $v ${s})
    (local.set $v ${r.sa(get("pa"))})
    (loop $l
      (local.set $v ${r.sop(get("v"), r.sx(get("px")))})
      (local.set $px ${add(get("px"), get("step"))})
      (br_if $l (local.tee $red (i32.sub ${get("red")} (i32.const 1)))))
    ${get("v")})
  (func $reduce${n}${r.bytes ? "_base" : ""} (param $x i32) (param $a i32) (param $outer i32) (param $red i32) (param $inner i32)
    (local $step i32) (local $row i32) (local $i i32) (local $t v128) (local $end i32) (local $j i32)
    (local $p0 i32) (local $p1 i32) (local $p2 i32) (local $p3 i32) (local $s0 ${s}) (local $s1 ${s}) (local $s2 ${s}) (local $s3 ${s}) (local $k i32)
    (local.set $step (i32.mul ${get("inner")} (i32.const ${xs})))
    (local.set $row (i32.mul ${get("step")} ${get("red")}))
    (if (i32.ge_u ${get("inner")} (i32.const ${lanes})) (then
      (local.set $end (i32.sub ${get("inner")} (i32.const ${lanes})))
      (loop $rows
        (local.set $t (call $vchain${n} ${add(get("a"), mul(get("end"), `(i32.const ${as})`))} ${add(get("x"), mul(get("end"), `(i32.const ${xs})`))} ${get("red")} ${get("step")}))
        (local.set $i (i32.const 0))
        (block $done (loop $blocks
          (br_if $done (i32.gt_s ${get("i")} ${get("end")}))
          (v128.store ${add(get("a"), mul(get("i"), `(i32.const ${as})`))} (call $vchain${n} ${add(get("a"), mul(get("i"), `(i32.const ${as})`))} ${add(get("x"), mul(get("i"), `(i32.const ${xs})`))} ${get("red")} ${get("step")}))
          (local.set $i (i32.add ${get("i")} (i32.const ${lanes})))
          (br $blocks)))
        (v128.store ${add(get("a"), mul(get("end"), `(i32.const ${as})`))} ${get("t")})
        (local.set $x ${add(get("x"), get("row"))})
        (local.set $a ${add(get("a"), mul(get("inner"), `(i32.const ${as})`))})
        (br_if $rows (local.tee $outer (i32.sub ${get("outer")} (i32.const 1)))))
      (return)))
    (if (i32.eq ${get("inner")} (i32.const 1)) (then
      (local.set $j ${get("outer")})
      (block $quadsDone (loop $quads
        (br_if $quadsDone (i32.lt_u ${get("j")} (i32.const 4)))
        (local.set $p0 ${get("x")})
        (local.set $p1 ${add(get("p0"), get("row"))})
        (local.set $p2 ${add(get("p1"), get("row"))})
        (local.set $p3 ${add(get("p2"), get("row"))})
        (local.set $s0 ${r.sa(get("a"))})
        (local.set $s1 ${r.sa(`(i32.add ${get("a")} (i32.const ${as}))`)})
        (local.set $s2 ${r.sa(`(i32.add ${get("a")} (i32.const ${2 * as}))`)})
        (local.set $s3 ${r.sa(`(i32.add ${get("a")} (i32.const ${3 * as}))`)})
        (local.set $k ${get("red")})
        (loop $l
          (local.set $s0 ${r.sop(get("s0"), r.sx(get("p0")))})
          (local.set $s1 ${r.sop(get("s1"), r.sx(get("p1")))})
          (local.set $s2 ${r.sop(get("s2"), r.sx(get("p2")))})
          (local.set $s3 ${r.sop(get("s3"), r.sx(get("p3")))})
          (local.set $p0 (i32.add ${get("p0")} (i32.const ${xs})))
          (local.set $p1 (i32.add ${get("p1")} (i32.const ${xs})))
          (local.set $p2 (i32.add ${get("p2")} (i32.const ${xs})))
          (local.set $p3 (i32.add ${get("p3")} (i32.const ${xs})))
          (br_if $l (local.tee $k (i32.sub ${get("k")} (i32.const 1)))))
        ${r.st(get("a"), get("s0"))}
        ${r.st(`(i32.add ${get("a")} (i32.const ${as}))`, get("s1"))}
        ${r.st(`(i32.add ${get("a")} (i32.const ${2 * as}))`, get("s2"))}
        ${r.st(`(i32.add ${get("a")} (i32.const ${3 * as}))`, get("s3"))}
        (local.set $x ${add(get("p3"), `(i32.const 0)`)})
        (local.set $a (i32.add ${get("a")} (i32.const ${4 * as})))
        (local.set $j (i32.sub ${get("j")} (i32.const 4)))
        (br $quads)))
      ;; the last (outer mod 4) outputs one chain each
      (block $restDone (loop $rest
        (br_if $restDone (i32.eqz ${get("j")}))
        ${r.st(get("a"), `(call $schain${n} ${get("a")} ${get("x")} ${get("red")} ${get("step")})`)}
        (local.set $x ${add(get("x"), get("row"))})
        (local.set $a (i32.add ${get("a")} (i32.const ${as})))
        (local.set $j (i32.sub ${get("j")} (i32.const 1)))
        (br $rest)))
      (return)))
    ;; 1 < inner < lanes: one chain per output
    (block $none
      (br_if $none (i32.eqz ${get("inner")}))
      (loop $rows2
        (local.set $i (i32.const 0))
        (loop $each
          ${r.st(add(get("a"), mul(get("i"), `(i32.const ${as})`)), `(call $schain${n} ${add(get("a"), mul(get("i"), `(i32.const ${as})`))} ${add(get("x"), mul(get("i"), `(i32.const ${xs})`))} ${get("red")} ${get("step")})`)}
          (br_if $each (i32.lt_u (local.tee $i (i32.add ${get("i")} (i32.const 1))) ${get("inner")})))
        (local.set $x ${add(get("x"), get("row"))})
        (local.set $a ${add(get("a"), mul(get("inner"), `(i32.const ${as})`))})
        (br_if $rows2 (local.tee $outer (i32.sub ${get("outer")} (i32.const 1)))))))`;
}

// int8 / uint8 into int32 with inner ≥ 8: eight outputs per chain, summed in int16 lanes 256 inputs at a time (at most
// 256 × 255, within uint16) and then widened; the last (inner mod 8) outputs by a chain ending at the row's end
// whose lanes shared with the chain before it are masked out. The other shapes as $reduce<n>_base.
function byteSums(r, n) {
  const sx = r.bytes;
  return `
  (func $wchain${n} (param $pa i32) (param $px i32) (param $red i32) (param $step i32) (param $skip i32)
    (local $lo v128) (local $hi v128) (local $a16 v128) (local $k i32)
    (loop $chunks
      (local.set $k (select (i32.const 256) (local.get $red) (i32.gt_u (local.get $red) (i32.const 256))))
      (local.set $red (i32.sub (local.get $red) (local.get $k)))
      (local.set $a16 (v128.const i32x4 0 0 0 0))
      (loop $l
        (local.set $a16 (i16x8.add (local.get $a16) (i16x8.extend_low_i8x16_${sx} (v128.load64_zero (local.get $px)))))
        (local.set $px (i32.add (local.get $px) (local.get $step)))
        (br_if $l (local.tee $k (i32.sub (local.get $k) (i32.const 1)))))
      (local.set $lo (i32x4.add (local.get $lo) (i32x4.extend_low_i16x8_${sx === "s" ? "s" : "u"} (local.get $a16))))
      (local.set $hi (i32x4.add (local.get $hi) (i32x4.extend_high_i16x8_${sx === "s" ? "s" : "u"} (local.get $a16))))
      (br_if $chunks (local.get $red)))
    ;; lanes below skip belong to the chain before
    (v128.store (local.get $pa) (i32x4.add (v128.load (local.get $pa)) (v128.and (local.get $lo) (i32x4.ge_s (v128.const i32x4 0 1 2 3) (i32x4.splat (local.get $skip))))))
    (v128.store offset=16 (local.get $pa) (i32x4.add (v128.load offset=16 (local.get $pa)) (v128.and (local.get $hi) (i32x4.ge_s (v128.const i32x4 4 5 6 7) (i32x4.splat (local.get $skip)))))))
  (func $reduce${n} (param $x i32) (param $a i32) (param $outer i32) (param $red i32) (param $inner i32)
    (local $i i32) (local $row i32)
    (if (i32.lt_u (local.get $inner) (i32.const 8)) (then
      (call $reduce${n}_base (local.get $x) (local.get $a) (local.get $outer) (local.get $red) (local.get $inner))
      (return)))
    (local.set $row (i32.mul (local.get $inner) (local.get $red)))
    (loop $rows
      (local.set $i (i32.const 0))
      (loop $blocks
        (call $wchain${n} (i32.add (local.get $a) (i32.shl (local.get $i) (i32.const 2))) (i32.add (local.get $x) (local.get $i)) (local.get $red) (local.get $inner) (i32.const 0))
        (br_if $blocks (i32.le_u (local.tee $i (i32.add (local.get $i) (i32.const 8))) (i32.sub (local.get $inner) (i32.const 8)))))
      (if (i32.ne (local.get $i) (local.get $inner)) (then
        (call $wchain${n} (i32.add (local.get $a) (i32.shl (i32.sub (local.get $inner) (i32.const 8)) (i32.const 2))) (i32.add (local.get $x) (i32.sub (local.get $inner) (i32.const 8))) (local.get $red) (local.get $inner)
          (i32.sub (local.get $i) (i32.sub (local.get $inner) (i32.const 8))))))
      (local.set $x (i32.add (local.get $x) (local.get $row)))
      (local.set $a (i32.add (local.get $a) (i32.shl (local.get $inner) (i32.const 2))))
      (br_if $rows (local.tee $outer (i32.sub (local.get $outer) (i32.const 1))))))`;
}

// The reduce export: `calls` reductions of one kind, the byte offsets of each call's input and accumulators from
// x and acc listed at `list` (pairs of int32): the dimensions before the last three groups of kept / reduced ones.
const kinds = reductions.map((_, i) => i);
const dispatch = `
  (func (export "reduce") (param $kind i32) (param $x i32) (param $a i32) (param $outer i32) (param $red i32) (param $inner i32) (param $list i32) (param $calls i32)
    (if (i32.or (i32.or (i32.eqz ${get("outer")}) (i32.eqz ${get("red")})) (i32.or (i32.eqz ${get("inner")}) (i32.eqz ${get("calls")}))) (then (return)))
    (loop $calls
      (block $k${kinds.length}
        ${kinds.map((i) => `(block $k${i}`).reverse().join(" ")}
        (br_table ${kinds.map((i) => `$k${i}`).join(" ")} $k${kinds.length} ${get("kind")}))
${kinds.map((i) => `        (call $reduce${i} ${add(get("x"), "(i32.load (local.get $list))")} ${add(get("a"), "(i32.load offset=4 (local.get $list))")} ${get("outer")} ${get("red")} ${get("inner")})\n        (br $k${kinds.length}))`).join("\n")}
      (local.set $list (i32.add ${get("list")} (i32.const 8)))
      (br_if $calls (local.tee $calls (i32.sub ${get("calls")} (i32.const 1))))))`;

// roundHalfAway of a float: sign × floor(|v| + 0.5), exact in double for any single-precision v
const roundHalfAway = (v) => `(i32.trunc_sat_f64_s (f64.trunc (f64.add (local.tee $d (f64.promote_f32 ${v})) (f64.copysign (f64.const 0.5) (local.get $d)))))`;
// type 0 int8, 1 uint8, 2 int16: the store (wrapping, as a JavaScript typed array's)
const storeQ = (p, v) => `(if (i32.eq (local.get $type) (i32.const 2)) (then (i32.store16 ${p} ${v})) (else (i32.store8 ${p} ${v})))`;
const finishers = `
  ;; float MEAN: the sums at y divided by count in single precision (as the double quotient of two floats stored)
  (func (export "fdiv") (param $y i32) (param $n i32) (param $count f32)
    (local $c v128)
    (local.set $c (f32x4.splat (local.get $count)))
    (block $done (loop $v
      (br_if $done (i32.lt_u (local.get $n) (i32.const 4)))
      (v128.store (local.get $y) (f32x4.div (v128.load (local.get $y)) (local.get $c)))
      (local.set $y (i32.add (local.get $y) (i32.const 16)))
      (local.set $n (i32.sub (local.get $n) (i32.const 4)))
      (br $v)))
    (block $end (loop $s
      (br_if $end (i32.eqz (local.get $n)))
      (f32.store (local.get $y) (f32.div (f32.load (local.get $y)) (local.get $count)))
      (local.set $y (i32.add (local.get $y) (i32.const 4)))
      (local.set $n (i32.sub (local.get $n) (i32.const 1)))
      (br $s))))

  ;; quantized MEAN with the input's quantization: the int32 sums at acc less count × zIn, divided by count rounding
  ;; half away from zero (integer division truncates as Math.trunc of the double quotient does), plus zOut
  (func (export "qmean") (param $acc i32) (param $y i32) (param $n i32) (param $count i32) (param $zIn i32) (param $zOut i32) (param $type i32)
    (local $s i32) (local $half i32) (local $off i32) (local $bytes i32)
    (local.set $half (i32.shr_u (local.get $count) (i32.const 1)))
    (local.set $off (i32.mul (local.get $count) (local.get $zIn)))
    (local.set $bytes (select (i32.const 2) (i32.const 1) (i32.eq (local.get $type) (i32.const 2))))
    (block $end (loop $each
      (br_if $end (i32.eqz (local.get $n)))
      (local.set $s (i32.sub (i32.load (local.get $acc)) (local.get $off)))
      (local.set $s (i32.add (i32.div_s (select (i32.add (local.get $s) (local.get $half)) (i32.sub (local.get $s) (local.get $half)) (i32.gt_s (local.get $s) (i32.const 0))) (local.get $count)) (local.get $zOut)))
      ${storeQ(get("y"), get("s"))}
      (local.set $acc (i32.add (local.get $acc) (i32.const 4)))
      (local.set $y (i32.add (local.get $y) (local.get $bytes)))
      (local.set $n (i32.sub (local.get $n) (i32.const 1)))
      (br $each))))

  ;; quantized MEAN (mean = 1) or SUM (0) with its own output quantization, as QuantizedMeanOrSum in single precision:
  ;; SUM round(sum × scale + bias) + zOut wrapping; MEAN round((sum / count) × scale + bias) + zOut clamped to [lo, hi]
  (func (export "qrescale") (param $acc i32) (param $y i32) (param $n i32) (param $mean i32) (param $count f32) (param $scale f32) (param $bias f32) (param $zOut i32) (param $lo i32) (param $hi i32) (param $type i32)
    (local $v f32) (local $d f64) (local $r i32) (local $bytes i32)
    (local.set $bytes (select (i32.const 2) (i32.const 1) (i32.eq (local.get $type) (i32.const 2))))
    (block $end (loop $each
      (br_if $end (i32.eqz (local.get $n)))
      (local.set $v (f32.convert_i32_s (i32.load (local.get $acc))))
      (if (local.get $mean) (then (local.set $v (f32.div (local.get $v) (local.get $count)))))
      (local.set $r (i32.add ${roundHalfAway("(f32.add (f32.mul (local.get $v) (local.get $scale)) (local.get $bias))")} (local.get $zOut)))
      (if (local.get $mean) (then
        (local.set $r (select (local.get $lo) (local.get $r) (i32.lt_s (local.get $r) (local.get $lo))))
        (local.set $r (select (local.get $hi) (local.get $r) (i32.gt_s (local.get $r) (local.get $hi))))))
      ${storeQ(get("y"), get("r"))}
      (local.set $acc (i32.add (local.get $acc) (i32.const 4)))
      (local.set $y (i32.add (local.get $y) (local.get $bytes)))
      (local.set $n (i32.sub (local.get $n) (i32.const 1)))
      (br $each))))

  ;; n elements of "bytes" (1, 2, 4) at p set to value (a reduction's starting accumulators)
  (func (export "fill") (param $p i32) (param $n i32) (param $bytes i32) (param $value i32)
    (block $end (loop $each
      (br_if $end (i32.eqz (local.get $n)))
      (if (i32.eq (local.get $bytes) (i32.const 4)) (then (i32.store (local.get $p) (local.get $value)))
        (else (if (i32.eq (local.get $bytes) (i32.const 2)) (then (i32.store16 (local.get $p) (local.get $value))) (else (i32.store8 (local.get $p) (local.get $value))))))
      (local.set $p (i32.add (local.get $p) (local.get $bytes)))
      (local.set $n (i32.sub (local.get $n) (i32.const 1)))
      (br $each))))`;

// Pooling over NHWC, channels innermost: a vector of adjacent channels per output pixel, the last (depth mod lanes)
// channels by a vector ending at the pixel's last channel (recomputed lanes store equal values). depth ≥ lanes.
// body(c, p) returns the statements for the channels at byte offset c of the pixel (p: its first input pixel's
// window loop is written by window()).
const poolFrame = (name, params, xs, lanes, body, pairs = false) => `
  (func (export "${name}") (param $x i32) (param $y i32) (param $batches i32) (param $inH i32) (param $inW i32) (param $depth i32)
    (param $outH i32) (param $outW i32) (param $sH i32) (param $sW i32) (param $fH i32) (param $fW i32) (param $pH i32) (param $pW i32) ${params}
    (local $n i32) (local $oy i32) (local $ox i32) (local $y0 i32) (local $x0 i32) (local $fy0 i32) (local $fy1 i32) (local $fx0 i32) (local $fx1 i32)
    (local $c i32) (local $end i32) (local $fy i32) (local $fx i32) (local $px i32) (local $rowStep i32) (local $count i32) (local $base i32) (local $yrow i32)
    (local $acc v128) (local $acc2 v128) (local $v v128) (local $t v128) (local $t2 v128) (local $c2 i32) (local $delta i32)
    (local.set $end (i32.mul (i32.sub (local.get $depth) (i32.const ${lanes})) (i32.const ${xs})))
    (local.set $rowStep (i32.mul (i32.mul (local.get $inW) (local.get $depth)) (i32.const ${xs})))
    (local.set $n (i32.const 0))
    (block $nDone (loop $nLoop
      (br_if $nDone (i32.ge_u (local.get $n) (local.get $batches)))
      (local.set $oy (i32.const 0))
      (block $oyDone (loop $oyLoop
        (br_if $oyDone (i32.ge_u (local.get $oy) (local.get $outH)))
        (local.set $y0 (i32.sub (i32.mul (local.get $oy) (local.get $sH)) (local.get $pH)))
        (local.set $fy0 (select (i32.sub (i32.const 0) (local.get $y0)) (i32.const 0) (i32.lt_s (local.get $y0) (i32.const 0))))
        (local.set $fy1 (select (local.get $fH) (i32.sub (local.get $inH) (local.get $y0)) (i32.lt_s (local.get $fH) (i32.sub (local.get $inH) (local.get $y0)))))
        (local.set $ox (i32.const 0))
        (block $oxDone (loop $oxLoop
          (br_if $oxDone (i32.ge_u (local.get $ox) (local.get $outW)))
          (local.set $x0 (i32.sub (i32.mul (local.get $ox) (local.get $sW)) (local.get $pW)))
          (local.set $fx0 (select (i32.sub (i32.const 0) (local.get $x0)) (i32.const 0) (i32.lt_s (local.get $x0) (i32.const 0))))
          (local.set $fx1 (select (local.get $fW) (i32.sub (local.get $inW) (local.get $x0)) (i32.lt_s (local.get $fW) (i32.sub (local.get $inW) (local.get $x0)))))
          (local.set $count (i32.mul (i32.sub (local.get $fy1) (local.get $fy0)) (i32.sub (local.get $fx1) (local.get $fx0))))
          ;; the window's first input pixel
          (local.set $base (i32.add (local.get $x)
            (i32.mul (i32.add (i32.mul (i32.add (i32.mul (local.get $n) (local.get $inH)) (i32.add (local.get $y0) (local.get $fy0))) (local.get $inW)) (i32.add (local.get $x0) (local.get $fx0))) (i32.mul (local.get $depth) (i32.const ${xs})))))
          (local.set $c (local.get $end))
          (loop $cLoop${pairs ? `
            ;; two vectors per pass over the window: at c and at c2 = max(c - lanes, 0), delta bytes before
            (local.set $c2 (select (local.tee $fx (i32.sub (local.get $c) (i32.const ${lanes * xs}))) (i32.const 0) (i32.gt_s (local.get $fx) (i32.const 0))))
            (local.set $delta (i32.sub (local.get $c) (local.get $c2)))
            ${body}
            (local.set $c (select (local.tee $fx (i32.sub (local.get $c2) (i32.const ${lanes * xs}))) (i32.const 0) (i32.gt_s (local.get $fx) (i32.const 0))))
            (br_if $cLoop (i32.gt_s (local.get $c2) (i32.const 0))))` : `
            ${body}
            (br_if $cLoop (i32.ge_s (local.tee $c (select (select (local.tee $fx (i32.sub (local.get $c) (i32.const ${lanes * xs}))) (i32.const 0) (i32.gt_s (local.get $fx) (i32.const 0))) (i32.const -1) (i32.gt_s (local.get $c) (i32.const 0)))) (i32.const 0))))`}
          (local.set $y (i32.add (local.get $y) (i32.mul (local.get $depth) (i32.const ${xs}))))
          (local.set $ox (i32.add (local.get $ox) (i32.const 1)))
          (br $oxLoop)))
        (local.set $oy (i32.add (local.get $oy) (i32.const 1)))
        (br $oyLoop)))
      (local.set $n (i32.add (local.get $n) (i32.const 1)))
      (br $nLoop))))`;
// the window's loops around `step` (which reads the vector at $px), over the channels at byte offset $c
const windowLoop = (xs, step) => `
            (local.set $fy (i32.sub (local.get $fy1) (local.get $fy0)))
            (block $wyDone (loop $wy
              (br_if $wyDone (i32.le_s (local.get $fy) (i32.const 0)))
              (local.set $px (i32.add (i32.add (local.get $base) (local.get $c)) (i32.mul (i32.sub (i32.sub (local.get $fy1) (local.get $fy0)) (local.get $fy)) (local.get $rowStep))))
              (local.set $fx (i32.sub (local.get $fx1) (local.get $fx0)))
              (block $wxDone (loop $wx
                (br_if $wxDone (i32.le_s (local.get $fx) (i32.const 0)))
                ${step}
                (local.set $px (i32.add (local.get $px) (i32.mul (local.get $depth) (i32.const ${xs}))))
                (local.set $fx (i32.sub (local.get $fx) (i32.const 1)))
                (br $wx)))
              (local.set $fy (i32.sub (local.get $fy) (i32.const 1)))
              (br $wy)))`;

// quantized MAX_POOL_2D: the window's maximum (an empty window gives the type's minimum, then lo, as -Infinity does
// in JavaScript), clamped to [lo, hi]
const maxPools = [
  ["maxpool_i8", 1, "i8x16", "_s", -128],
  ["maxpool_u8", 1, "i8x16", "_u", 0],
  ["maxpool_i16", 2, "i16x8", "_s", -32768],
]
  .map(([name, xs, t, sfx, min]) =>
    poolFrame(name, "(param $lo i32) (param $hi i32)", xs, 16 / xs, `
            (local.set $acc (${t}.splat (i32.const ${min})))
            (local.set $acc2 (local.get $acc))
            ${windowLoop(xs, `(local.set $acc (${t}.max${sfx} (local.get $acc) (v128.load (local.get $px))))
                (local.set $acc2 (${t}.max${sfx} (local.get $acc2) (v128.load (i32.sub (local.get $px) (local.get $delta)))))`)}
            (v128.store (i32.add (local.get $y) (local.get $c)) (${t}.min${sfx} (${t}.max${sfx} (local.get $acc) (${t}.splat (local.get $lo))) (${t}.splat (local.get $hi))))
            (v128.store (i32.add (local.get $y) (local.get $c2)) (${t}.min${sfx} (${t}.max${sfx} (local.get $acc2) (${t}.splat (local.get $lo))) (${t}.splat (local.get $hi))))`, true),
  )
  .join("\n");

// AVERAGE_POOL_2D, four channels per vector. Quantized: the int32 sum of the window, divided by its size rounding
// half away from zero (the double quotient truncated, as Math.trunc does), clamped. Float: the sum in double (as
// the JavaScript loop's number), rounded to single, divided by the size in single, clamped (pmax / pmin).
const quotient = `
            (local.set $acc (i32x4.add (local.get $acc) (v128.bitselect (i32x4.splat (i32.shr_u (local.get $count) (i32.const 1))) (i32x4.splat (i32.sub (i32.const 0) (i32.shr_u (local.get $count) (i32.const 1)))) (i32x4.gt_s (local.get $acc) (v128.const i32x4 0 0 0 0)))))
            (local.set $v (f64x2.splat (f64.convert_i32_u (local.get $count))))
            (local.set $t (i32x4.trunc_sat_f64x2_s_zero (f64x2.div (f64x2.convert_low_i32x4_s (local.get $acc)) (local.get $v))))
            (local.set $t2 (i32x4.trunc_sat_f64x2_s_zero (f64x2.div (f64x2.convert_low_i32x4_s (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $acc) (local.get $acc))) (local.get $v))))
            (local.set $acc (i32x4.min_s (i32x4.max_s (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $t) (local.get $t2)) (i32x4.splat (local.get $lo))) (i32x4.splat (local.get $hi))))`;
const avgPools = [
  ["avgpool_i8", 1, (p) => `(i32x4.extend_low_i16x8_s (i16x8.extend_low_i8x16_s (v128.load32_zero ${p})))`, (p, v) => `(v128.store32_lane 0 ${p} (i8x16.narrow_i16x8_s (i16x8.narrow_i32x4_s ${v} ${v}) (local.get $t)))`],
  ["avgpool_u8", 1, (p) => `(i32x4.extend_low_i16x8_u (i16x8.extend_low_i8x16_u (v128.load32_zero ${p})))`, (p, v) => `(v128.store32_lane 0 ${p} (i8x16.narrow_i16x8_u (i16x8.narrow_i32x4_s ${v} ${v}) (local.get $t)))`],
  ["avgpool_i16", 2, (p) => `(i32x4.extend_low_i16x8_s (v128.load64_zero ${p}))`, (p, v) => `(v128.store64_lane 0 ${p} (i16x8.narrow_i32x4_s ${v} ${v}))`],
]
  .map(([name, xs, load, store]) =>
    poolFrame(name, "(param $lo i32) (param $hi i32)", xs, 4, `
            (local.set $acc (v128.const i32x4 0 0 0 0))
            ${windowLoop(xs, `(local.set $acc (i32x4.add (local.get $acc) ${load("(local.get $px)")}))`)}
            ${quotient}
            ${store("(i32.add (local.get $y) (local.get $c))", "(local.get $acc)")}`),
  )
  .join("\n");
const floatAvgPool = poolFrame("avgpool_f32", "(param $lo f32) (param $hi f32)", 4, 4, `
            (local.set $acc (v128.const f64x2 0 0))
            (local.set $acc2 (v128.const f64x2 0 0))
            ${windowLoop(4, `(local.set $v (v128.load (local.get $px)))
                (local.set $acc (f64x2.add (local.get $acc) (f64x2.promote_low_f32x4 (local.get $v))))
                (local.set $acc2 (f64x2.add (local.get $acc2) (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $v) (local.get $v)))))`)}
            (local.set $v (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (f32x4.demote_f64x2_zero (local.get $acc)) (f32x4.demote_f64x2_zero (local.get $acc2))))
            (local.set $v (f32x4.div (local.get $v) (f32x4.splat (f32.convert_i32_u (local.get $count)))))
            (v128.store (i32.add (local.get $y) (local.get $c)) (f32x4.pmin (f32x4.pmax (local.get $v) (f32x4.splat (local.get $lo))) (f32x4.splat (local.get $hi))))`);

// L2_NORMALIZATION over rows of `depth`. Float: each row's sum of squares in single precision and in order (four
// rows' chains interleaved), its square root floored at 1e-6, the row divided by it. int8 / uint8: the integer sum
// of squared offsets, its inverse square root as a fixed-point multiplier (GetInvSqrtQuantizedMultiplierExp, as
// invSqrtQuantizedMultiplier in ../lib/tflite/kernels/lstm-fixed-point.ts), each offset rescaled to 1/128.
const l2 = `
  (func $fdivrow (param $x i32) (param $y i32) (param $depth i32) (param $norm f32)
    (local $v v128)
    (local.set $v (f32x4.splat (local.get $norm)))
    (block $done (loop $vec
      (br_if $done (i32.lt_u (local.get $depth) (i32.const 4)))
      (v128.store (local.get $y) (f32x4.div (v128.load (local.get $x)) (local.get $v)))
      (local.set $x (i32.add (local.get $x) (i32.const 16)))
      (local.set $y (i32.add (local.get $y) (i32.const 16)))
      (local.set $depth (i32.sub (local.get $depth) (i32.const 4)))
      (br $vec)))
    (block $end (loop $each
      (br_if $end (i32.eqz (local.get $depth)))
      (f32.store (local.get $y) (f32.div (f32.load (local.get $x)) (local.get $norm)))
      (local.set $x (i32.add (local.get $x) (i32.const 4)))
      (local.set $y (i32.add (local.get $y) (i32.const 4)))
      (local.set $depth (i32.sub (local.get $depth) (i32.const 1)))
      (br $each))))
  (func $fnorm (param $squares f32) (result f32)
    (f32.max (f32.sqrt (local.get $squares)) (f32.const 1e-6)))
  (func (export "fl2") (param $x i32) (param $y i32) (param $rows i32) (param $depth i32)
    (local $row i32) (local $p0 i32) (local $p1 i32) (local $p2 i32) (local $p3 i32) (local $k i32) (local $v f32)
    (local $s0 f32) (local $s1 f32) (local $s2 f32) (local $s3 f32)
    (if (i32.eqz (local.get $depth)) (then (return)))
    (local.set $row (i32.shl (local.get $depth) (i32.const 2)))
    (block $quadsDone (loop $quads
      (br_if $quadsDone (i32.lt_u (local.get $rows) (i32.const 4)))
      (local.set $p0 (local.get $x))
      (local.set $p1 (i32.add (local.get $p0) (local.get $row)))
      (local.set $p2 (i32.add (local.get $p1) (local.get $row)))
      (local.set $p3 (i32.add (local.get $p2) (local.get $row)))
      (local.set $s0 (f32.const 0)) (local.set $s1 (f32.const 0)) (local.set $s2 (f32.const 0)) (local.set $s3 (f32.const 0))
      (local.set $k (local.get $depth))
      (loop $l
        (local.set $s0 (f32.add (local.get $s0) (f32.mul (local.tee $v (f32.load (local.get $p0))) (local.get $v))))
        (local.set $s1 (f32.add (local.get $s1) (f32.mul (local.tee $v (f32.load (local.get $p1))) (local.get $v))))
        (local.set $s2 (f32.add (local.get $s2) (f32.mul (local.tee $v (f32.load (local.get $p2))) (local.get $v))))
        (local.set $s3 (f32.add (local.get $s3) (f32.mul (local.tee $v (f32.load (local.get $p3))) (local.get $v))))
        (local.set $p0 (i32.add (local.get $p0) (i32.const 4)))
        (local.set $p1 (i32.add (local.get $p1) (i32.const 4)))
        (local.set $p2 (i32.add (local.get $p2) (i32.const 4)))
        (local.set $p3 (i32.add (local.get $p3) (i32.const 4)))
        (br_if $l (local.tee $k (i32.sub (local.get $k) (i32.const 1)))))
      (call $fdivrow (local.get $x) (local.get $y) (local.get $depth) (call $fnorm (local.get $s0)))
      (call $fdivrow (i32.add (local.get $x) (local.get $row)) (i32.add (local.get $y) (local.get $row)) (local.get $depth) (call $fnorm (local.get $s1)))
      (call $fdivrow (i32.add (local.get $x) (i32.shl (local.get $row) (i32.const 1))) (i32.add (local.get $y) (i32.shl (local.get $row) (i32.const 1))) (local.get $depth) (call $fnorm (local.get $s2)))
      (call $fdivrow (i32.add (local.get $x) (i32.mul (local.get $row) (i32.const 3))) (i32.add (local.get $y) (i32.mul (local.get $row) (i32.const 3))) (local.get $depth) (call $fnorm (local.get $s3)))
      (local.set $x (i32.add (local.get $x) (i32.shl (local.get $row) (i32.const 2))))
      (local.set $y (i32.add (local.get $y) (i32.shl (local.get $row) (i32.const 2))))
      (local.set $rows (i32.sub (local.get $rows) (i32.const 4)))
      (br $quads)))
    (block $end (loop $rest
      (br_if $end (i32.eqz (local.get $rows)))
      (local.set $p0 (local.get $x))
      (local.set $s0 (f32.const 0))
      (local.set $k (local.get $depth))
      (loop $l
        (local.set $s0 (f32.add (local.get $s0) (f32.mul (local.tee $v (f32.load (local.get $p0))) (local.get $v))))
        (local.set $p0 (i32.add (local.get $p0) (i32.const 4)))
        (br_if $l (local.tee $k (i32.sub (local.get $k) (i32.const 1)))))
      (call $fdivrow (local.get $x) (local.get $y) (local.get $depth) (call $fnorm (local.get $s0)))
      (local.set $x (i32.add (local.get $x) (local.get $row)))
      (local.set $y (i32.add (local.get $y) (local.get $row)))
      (local.set $rows (i32.sub (local.get $rows) (i32.const 1)))
      (br $rest))))

  ;; SaturatingRoundingDoublingHighMul, RoundingDivideByPOT, and a product saturated to int32
  (func $srdhm (param $a i32) (param $b i32) (result i32)
    (local $ab i64)
    (if (i32.and (i32.eq (local.get $a) (i32.const 0x80000000)) (i32.eq (local.get $b) (i32.const 0x80000000))) (then (return (i32.const 0x7fffffff))))
    (local.set $ab (i64.mul (i64.extend_i32_s (local.get $a)) (i64.extend_i32_s (local.get $b))))
    (local.set $ab (i64.add (local.get $ab) (select (i64.const 0x40000000) (i64.const -0x3fffffff) (i64.ge_s (local.get $ab) (i64.const 0)))))
    ;; the division by 2^31 truncating toward zero, as a shift (a negative dividend biased by 2^31 - 1)
    (i32.wrap_i64 (i64.shr_s (i64.add (local.get $ab) (i64.and (i64.shr_s (local.get $ab) (i64.const 63)) (i64.const 0x7fffffff))) (i64.const 31))))
  (func $rdpot (param $x i32) (param $e i32) (result i32)
    (local $mask i32)
    (if (i32.eqz (local.get $e)) (then (return (local.get $x))))
    (local.set $mask (i32.sub (i32.shl (i32.const 1) (local.get $e)) (i32.const 1)))
    (i32.add (i32.shr_s (local.get $x) (local.get $e))
      (i32.gt_s (i32.and (local.get $x) (local.get $mask)) (i32.add (i32.shr_s (local.get $mask) (i32.const 1)) (i32.lt_s (local.get $x) (i32.const 0))))))
  (func $sat (param $v i64) (result i32)
    (i32.wrap_i64 (select (i64.const 2147483647) (select (i64.const -2147483648) (local.get $v) (i64.lt_s (local.get $v) (i64.const -2147483648))) (i64.gt_s (local.get $v) (i64.const 2147483647)))))
  (global $mult (mut i32) (i32.const 0))
  (global $shift (mut i32) (i32.const 0))
  ;; the inverse square root of an int32 as $mult and a right shift $shift (reverse shift -1)
  (func $invsqrt (param $v i32)
    (local $shift i32) (local $pairs i32) (local $half i32) (local $x i32) (local $x3 i32) (local $i i32) (local $m i32)
    (if (i32.le_s (local.get $v) (i32.const 1)) (then (global.set $mult (i32.const 0x7fffffff)) (global.set $shift (i32.const 0)) (return)))
    (local.set $shift (i32.const 11))
    (block $small (loop $big
      (br_if $small (i32.lt_s (local.get $v) (i32.const 0x20000000)))
      (local.set $v (i32.shr_u (local.get $v) (i32.const 2)))
      (local.set $shift (i32.add (local.get $shift) (i32.const 1)))
      (br $big)))
    (local.set $pairs (i32.sub (i32.shr_u (i32.sub (i32.clz (local.get $v)) (i32.const 1)) (i32.const 1)) (i32.const 1)))
    (local.set $shift (i32.sub (local.get $shift) (local.get $pairs)))
    (local.set $v (i32.shl (local.get $v) (i32.shl (local.get $pairs) (i32.const 1))))
    (local.set $half (call $rdpot (i32.shr_s (local.get $v) (i32.const 1)) (i32.const 1)))
    (local.set $x (i32.const 0x10000000))
    (local.set $i (i32.const 5))
    (loop $newton
      (local.set $x3 (call $sat (i64.mul (i64.extend_i32_s (call $srdhm (call $srdhm (local.get $x) (local.get $x)) (local.get $x))) (i64.const 64))))
      (local.set $x (call $sat (i64.mul (i64.extend_i32_s (i32.sub (call $srdhm (i32.const 0x18000000) (local.get $x)) (call $srdhm (local.get $half) (local.get $x3)))) (i64.const 8))))
      (br_if $newton (local.tee $i (i32.sub (local.get $i) (i32.const 1)))))
    (local.set $m (call $srdhm (local.get $x) (i32.const 1518500250)))
    (if (i32.lt_s (local.get $shift) (i32.const 0)) (then
      (local.set $m (i32.shl (local.get $m) (i32.sub (i32.const 0) (local.get $shift))))
      (local.set $shift (i32.const 0))))
    (global.set $mult (local.get $m))
    (global.set $shift (local.get $shift)))
  (func (export "ql2") (param $x i32) (param $y i32) (param $rows i32) (param $depth i32) (param $zero i32) (param $unsigned i32)
    (local $p i32) (local $k i32) (local $d i32) (local $sq i32) (local $v i32) (local $left i32) (local $right i32)
    (local $m i64) (local $t i64) (local $mask i32) (local $base i32) (local $lo i32) (local $hi i32)
    (local.set $base (select (i32.const 128) (i32.const 0) (local.get $unsigned)))
    (local.set $lo (select (i32.const 0) (i32.const -128) (local.get $unsigned)))
    (local.set $hi (select (i32.const 255) (i32.const 127) (local.get $unsigned)))
    (block $end (loop $row
      (br_if $end (i32.eqz (local.get $rows)))
      (local.set $sq (i32.const 0))
      (local.set $p (local.get $x))
      (local.set $k (local.get $depth))
      (block $sqDone (loop $squares
        (br_if $sqDone (i32.eqz (local.get $k)))
        (local.set $d (i32.sub (select (i32.load8_u (local.get $p)) (i32.load8_s (local.get $p)) (local.get $unsigned)) (local.get $zero)))
        (local.set $sq (i32.add (local.get $sq) (i32.mul (local.get $d) (local.get $d))))
        (local.set $p (i32.add (local.get $p) (i32.const 1)))
        (local.set $k (i32.sub (local.get $k) (i32.const 1)))
        (br $squares)))
      (call $invsqrt (local.get $sq))
      ;; int8: MultiplyByQuantizedMultiplier(d, mult, 7 - shift); uint8: 128 + RoundingDivideByPOT(srdhm(128 d, mult), shift).
      ;; Both are srdhm(d << left, mult) divided by 2^right rounding, inline (|d << left| < 2^15: never INT32_MIN)
      (local.set $left (select (i32.sub (i32.const 7) (global.get $shift)) (i32.const 0) (i32.gt_s (i32.sub (i32.const 7) (global.get $shift)) (i32.const 0))))
      (local.set $right (select (i32.const 0) (i32.sub (global.get $shift) (i32.const 7)) (i32.gt_s (i32.sub (i32.const 7) (global.get $shift)) (i32.const 0))))
      (if (local.get $unsigned) (then (local.set $left (i32.const 7)) (local.set $right (global.get $shift))))
      (local.set $m (i64.extend_i32_s (global.get $mult)))
      (local.set $mask (i32.sub (i32.shl (i32.const 1) (local.get $right)) (i32.const 1)))
      (local.set $k (local.get $depth))
      (block $outDone (loop $out
        (br_if $outDone (i32.eqz (local.get $k)))
        (local.set $d (i32.sub (select (i32.load8_u (local.get $x)) (i32.load8_s (local.get $x)) (local.get $unsigned)) (local.get $zero)))
        (local.set $t (i64.mul (i64.extend_i32_s (i32.shl (local.get $d) (local.get $left))) (local.get $m)))
        (local.set $t (i64.add (local.get $t) (select (i64.const 0x40000000) (i64.const -0x3fffffff) (i64.ge_s (local.get $t) (i64.const 0)))))
        (local.set $v (i32.wrap_i64 (i64.shr_s (i64.add (local.get $t) (i64.and (i64.shr_s (local.get $t) (i64.const 63)) (i64.const 0x7fffffff))) (i64.const 31))))
        (local.set $v (i32.add (i32.shr_s (local.get $v) (local.get $right))
          (i32.gt_s (i32.and (local.get $v) (local.get $mask)) (i32.add (i32.shr_s (local.get $mask) (i32.const 1)) (i32.lt_s (local.get $v) (i32.const 0))))))
        (local.set $v (i32.add (local.get $v) (local.get $base)))
        (i32.store8 (local.get $y) (select (local.get $lo) (select (local.get $hi) (local.get $v) (i32.gt_s (local.get $v) (local.get $hi))) (i32.lt_s (local.get $v) (local.get $lo))))
        (local.set $x (i32.add (local.get $x) (i32.const 1)))
        (local.set $y (i32.add (local.get $y) (i32.const 1)))
        (local.set $k (i32.sub (local.get $k) (i32.const 1)))
        (br $out)))
      (local.set $rows (i32.sub (local.get $rows) (i32.const 1)))
      (br $row))))`;

const wat = `;; Reductions (SUM, MEAN, REDUCE_MAX, REDUCE_MIN), quantized / average pooling and L2_NORMALIZATION with WebAssembly SIMD. A module of its
;; own beside int8.wat, importing the same memory (one per interpreter, see WasmHeap in ../wasm-kernels.ts). Assembled by
;; scripts/build.js (wabt) into dist/lib/tflite/wasm/reduce-pool.wasm. Written by scripts/reduce-pool-wat.cjs (edit that,
;; not this). Results are those of the JavaScript loops of ../kernels/reduce.ts, mean.ts and pooling.ts bit for bit;
;; every output's inputs are combined in the order those loops combine them (vectors run across independent outputs).
(module
  (import "env" "memory" (memory 1))
${reductions.map((r, n) => reduction(r, n) + (r.bytes ? byteSums(r, n) : "")).join("\n")}
${dispatch}
${finishers}
${maxPools}
${avgPools}
${floatAvgPool}
${l2}
)
`;
process.stdout.write(wat);
