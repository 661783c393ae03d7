// Writes lib/tflite/wasm/float-transcendental.wat to stdout. Each function (musl's expf and logf, Eigen's tanh and
// logistic, XNNPACK's sigmoid and its softmax exponential) is written once here as a template and inlined into the
// loops that use it, its constants held in locals set before the loop (a call per vector and constants rebuilt per
// use cost about as much as the arithmetic). Run:
//   node scripts/float-transcendental-wat.cjs > lib/tflite/wasm/float-transcendental.wat
"use strict";
const { lanes } = require("./wat-snippets.cjs");

const splat32 = (bits) => `(v128.const i32x4 ${bits} ${bits} ${bits} ${bits})`;
const splat64 = (bits) => `(v128.const i64x2 ${bits} ${bits})`;

/** One exported function being written: its constants (v128 locals set once) and temporaries. */
class Body {
  constructor() {
    this.constants = new Map();
    this.temps = new Set();
  }
  /** a constant vector, by its literal */
  k(literal) {
    if (!this.constants.has(literal)) this.constants.set(literal, `$k${this.constants.size}`);
    return `(local.get ${this.constants.get(literal)})`;
  }
  f32(bits) {
    return this.k(splat32(bits));
  }
  f64(bits) {
    return this.k(splat64(bits));
  }
  /** a v128 temporary named `name` */
  t(name) {
    this.temps.add(name);
    return name;
  }
  locals(extra = "") {
    const v = [...this.constants.values(), ...this.temps].map((n) => `(local ${n} v128)`).join(" ");
    return `${v}${extra ? ` ${extra}` : ""}`;
  }
  prologue() {
    return [...this.constants].map(([literal, name]) => `(local.set ${name} ${literal})`).join("\n    ");
  }
}

const set = (name, e) => `(local.set ${name} ${e})`;
const get = (name) => `(local.get ${name})`;
const ONE = splat32("0x3f800000");
const F64_ONE = splat64("0x3ff0000000000000");
const HIGH_HALF = "i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7";
const LOW_HALVES = "i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23";

/**
 * musl's expf core for two doubles in `x` (statements; the result, still double, left in `${p}y`): k = round(x·32/ln
 * 2) by adding and subtracting 1.5·2^52, r the remainder, 2^(k/32) from the table entry of k mod 32 with k << 47
 * added to its bits, times (C0·r + C1)·r² + (C2·r + 1)
 */
function expCore(b, p, x, tab) {
  const [z, kd, r, t, y] = ["z", "kd", "r", "t", "y"].map((n) => b.t(`$${p}${n}`));
  const lane = (i) => `(i64.load (i32.add (local.get ${tab}) (i32.shl (i32.and (i32x4.extract_lane ${2 * i} ${get(kd)}) (i32.const 31)) (i32.const 3))))`;
  return [
    set(z, `(f64x2.mul ${b.f64("0x40471547652b82fe")} ${x})`),
    set(kd, `(f64x2.add ${get(z)} ${b.f64("0x4338000000000000")})`),
    // kd's bits hold k (two's complement) in their low half: the table index and the exponent come from them
    set(t, `(i64x2.add (i64x2.replace_lane 1 (i64x2.splat ${lane(0)}) ${lane(1)}) (i64x2.shl ${get(kd)} (i32.const 47)))`),
    set(r, `(f64x2.sub ${get(z)} (f64x2.sub ${get(kd)} ${b.f64("0x4338000000000000")}))`),
    set(
      y,
      `(f64x2.mul (f64x2.add (f64x2.mul (f64x2.add (f64x2.mul ${b.f64("0x3ebc6af84b912394")} ${get(r)}) ${b.f64("0x3f2ebfce50fac4f3")}) (f64x2.mul ${get(r)} ${get(r)})) (f64x2.add (f64x2.mul ${b.f64("0x3f962e42ff0c52d6")} ${get(r)}) ${b.k(F64_ONE)})) ${get(t)})`,
    ),
  ];
}

/** musl's expf of the four floats in `x` into `out`: both halves' cores rounded once to float32; above 0x1.62e42ep6 +inf,
 * below -0x1.9fe368p6 +0, NaN itself (the cores' results there are not used) */
function expf4(b, x, out, tab = "$tab") {
  const lo = expCore(b, "el", `(f64x2.promote_low_f32x4 ${get(x)})`, tab);
  const hi = expCore(b, "eh", `(f64x2.promote_low_f32x4 (${HIGH_HALF} ${get(x)} ${get(x)}))`, tab);
  b.t(out);
  return [
    ...lo,
    ...hi,
    set(out, `(${LOW_HALVES} (f32x4.demote_f64x2_zero ${get("$ely")}) (f32x4.demote_f64x2_zero ${get("$ehy")}))`),
    set(out, `(v128.bitselect ${b.f32("0x7f800000")} ${get(out)} (f32x4.gt ${get(x)} ${b.f32("0x42b17217")}))`),
    set(out, `(v128.andnot ${get(out)} (f32x4.lt ${get(x)} ${b.f32("0xc2cff1b4")}))`),
    set(out, `(v128.bitselect ${get(x)} ${get(out)} (f32x4.ne ${get(x)} ${get(x)}))`),
  ];
}

/** musl's logf double steps for two lanes (z and k widened; 1/c and log c at table byte offsets o0, o1) into `${p}y` */
function logCore(b, p, z, k, o0, o1, tab) {
  const [invc, logc, r, r2, y] = ["invc", "logc", "r", "r2", "y"].map((n) => b.t(`$${p}${n}`));
  const pair = (offset) => `(f64x2.replace_lane 1 (f64x2.splat (f64.load offset=${offset} (i32.add (local.get ${tab}) ${o0}))) (f64.load offset=${offset} (i32.add (local.get ${tab}) ${o1})))`;
  return [
    set(invc, pair(0)),
    set(logc, pair(8)),
    set(r, `(f64x2.sub (f64x2.mul ${z} ${get(invc)}) ${b.k(F64_ONE)})`),
    set(r2, `(f64x2.mul ${get(r)} ${get(r)})`),
    set(y, `(f64x2.add (f64x2.mul ${b.f64("0x3fd5575b0be00b6a")} ${get(r)}) ${b.f64("0xbfdffffef20a4123")})`),
    set(y, `(f64x2.add (f64x2.mul ${b.f64("0xbfd00ea348b88334")} ${get(r2)}) ${get(y)})`),
    // + (log c + k·ln 2 + r)
    set(y, `(f64x2.add (f64x2.mul ${get(y)} ${get(r2)}) (f64x2.add (f64x2.add ${get(logc)} (f64x2.mul ${k} ${b.f64("0x3fe62e42fefa39ef")})) ${get(r)}))`),
  ];
}

/** musl's logf of the four floats in `x` into `out`: subnormals normalized by 2^23 first; ±0 give -inf, +inf itself,
 * negatives and NaN a NaN, 1 exactly +0 */
function logf4(b, x, out, tab = "$tab") {
  const [ix, tmp, o, z] = ["$lix", "$ltmp", "$lo", "$lz"].map((n) => b.t(n));
  b.t(out);
  const offset = (i) => `(i32x4.extract_lane ${i} ${get(o)})`;
  const k = (v) => `(f64x2.convert_low_i32x4_s (i32x4.shr_s ${v} (i32.const 23)))`;
  return [
    set(ix, `(v128.bitselect (i32x4.sub (f32x4.mul ${get(x)} ${b.f32("0x4b000000")}) ${b.f32("0x0b800000")}) ${get(x)} (i32x4.lt_u (i32x4.sub ${get(x)} ${b.f32("1")}) ${b.f32("0x7fffff")}))`),
    set(tmp, `(i32x4.sub ${get(ix)} ${b.f32("0x3f330000")})`),
    // 16 bytes per table entry: ((tmp >> 19) mod 16) · 16
    set(o, `(v128.and (i32x4.shr_u ${get(tmp)} (i32.const 15)) ${b.f32("0xf0")})`),
    set(z, `(i32x4.sub ${get(ix)} (v128.and ${get(tmp)} ${b.f32("0xff800000")}))`),
    ...logCore(b, "ll", `(f64x2.promote_low_f32x4 ${get(z)})`, k(get(tmp)), offset(0), offset(1), tab),
    ...logCore(b, "lh", `(f64x2.promote_low_f32x4 (${HIGH_HALF} ${get(z)} ${get(z)}))`, k(`(${HIGH_HALF} ${get(tmp)} ${get(tmp)})`), offset(2), offset(3), tab),
    set(out, `(${LOW_HALVES} (f32x4.demote_f64x2_zero ${get("$lly")}) (f32x4.demote_f64x2_zero ${get("$lhy")}))`),
    set(out, `(v128.andnot ${get(out)} (i32x4.eq ${get(x)} ${b.f32("0x3f800000")}))`),
    set(out, `(v128.bitselect ${b.f32("0x7fc00000")} ${get(out)} (v128.or (i32x4.lt_s ${get(x)} ${b.k("(v128.const i32x4 0 0 0 0)")}) (i32x4.gt_u ${get(x)} ${b.f32("0x7f800000")})))`),
    set(out, `(v128.bitselect ${get(x)} ${get(out)} (i32x4.eq ${get(x)} ${b.f32("0x7f800000")}))`),
    set(out, `(v128.bitselect ${b.f32("0xff800000")} ${get(out)} (i32x4.eq (i32x4.shl ${get(x)} (i32.const 1)) ${b.k("(v128.const i32x4 0 0 0 0)")}))`),
  ];
}

// Eigen's tanh: x clamped to ±7.90531110763549805, then x·P(x²)/Q(x²) in float32 (Horner, a rounding per multiply
// and per add); |a| below 0.0004 gives x itself
const TANH_P = ["0xa59f25c0", "0x2a61337e", "0xaebd37ff", "0x335c0041", "0x3779434a", "0x3a270ded", "0x3ba059dc"];
const TANH_Q = ["0x35a0d3d8", "0x38f895d6", "0x3b14aa05", "0x3ba059dd"];
function tanh4(b, a, out) {
  const [x, x2, p, q] = ["$tx", "$tx2", "$tp", "$tq"].map((n) => b.t(n));
  b.t(out);
  const horner = (acc, cs) => [set(acc, b.f32(cs[0])), ...cs.slice(1).map((c) => set(acc, `(f32x4.add (f32x4.mul ${get(x2)} ${get(acc)}) ${b.f32(c)})`))];
  return [
    set(x, `(f32x4.pmax (f32x4.pmin ${get(a)} ${b.f32("0x40fcf84f")}) ${b.f32("0xc0fcf84f")})`),
    set(x2, `(f32x4.mul ${get(x)} ${get(x)})`),
    ...horner(p, TANH_P),
    ...horner(q, TANH_Q),
    set(out, `(v128.bitselect ${get(x)} (f32x4.div (f32x4.mul ${get(x)} ${get(p)}) ${get(q)}) (f32x4.lt (f32x4.abs ${get(a)}) ${b.f32("0x39d1b717")}))`),
  ];
}

// Eigen's erf (generic_fast_erf_float): x clamped to ±4 by Eigen's pmin/pmax, then x·P(x²)/Q(x²) in float32
const ERF_P = ["0xaf95df0b", "0x32edffee", "0xb60cff51", "0xb86ec2d2", "0xba40ac63", "0xbb41a1f6", "0xbc83dbd4"];
const ERF_Q = ["0xb77460cd", "0xb95fbd29", "0xbadc924e", "0xbbf19bf8", "0xbc69b6a7"];
function erf4(b, a, out) {
  const [x, x2, p, q] = ["$fx", "$fx2", "$fp", "$fq"].map((n) => b.t(n));
  b.t(out);
  const horner = (acc, cs) => [set(acc, b.f32(cs[0])), ...cs.slice(1).map((c) => set(acc, `(f32x4.add (f32x4.mul ${get(x2)} ${get(acc)}) ${b.f32(c)})`))];
  return [
    set(x, `(f32x4.pmax (f32x4.pmin ${get(a)} ${b.f32("0x40800000")}) ${b.f32("0xc0800000")})`),
    set(x2, `(f32x4.mul ${get(x)} ${get(x)})`),
    ...horner(p, ERF_P),
    ...horner(q, ERF_Q),
    set(out, `(f32x4.div (f32x4.mul ${get(x)} ${get(p)}) ${get(q)})`),
  ];
}

/** TFLite's float GELU (Eigen arrays): 0.5·x·(1 + erf(x·√½)) */
function gelu4(b, x, out) {
  const s = b.t("$gs");
  return [set(s, `(f32x4.mul ${get(x)} ${b.f32("0x3f3504f3")})`), ...erf4(b, s, "$ge"), set(b.t(out), `(f32x4.mul (f32x4.mul ${b.f32("0x3f000000")} ${get(x)}) (f32x4.add ${b.k(ONE)} ${get("$ge")}))`)];
}

/** its tanh form: 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·(x·x)·x))) */
function geluTanh4(b, x, out) {
  const s = b.t("$gs");
  return [
    set(s, `(f32x4.mul ${b.f32("0x3f4c422a")} (f32x4.add ${get(x)} (f32x4.mul ${b.f32("0x3d372713")} (f32x4.mul (f32x4.mul ${get(x)} ${get(x)}) ${get(x)}))))`),
    ...tanh4(b, s, "$ge"),
    set(b.t(out), `(f32x4.mul (f32x4.mul ${b.f32("0x3f000000")} ${get(x)}) (f32x4.add ${b.k(ONE)} ${get("$ge")}))`),
  ];
}

/** Eigen's logistic: e = expf(a < 88.3762626647949 ? a : that), e / (1 + e) */
function logistic4(b, a, out) {
  const capped = b.t("$gc");
  const e = "$ge";
  return [set(capped, `(f32x4.pmin ${b.f32("0x42b0c0a5")} ${get(a)})`), ...expf4(b, capped, e), set(b.t(out), `(f32x4.div ${get(e)} (f32x4.add ${b.k(ONE)} ${get(e)}))`)];
}

/** XNNPACK's sigmoid (f32-vsigmoid wasmsimd_rr2_p5_div, parameters as xnn_init_f32_sigmoid_wasmsimd_rr2_p5_params) */
function sigmoid4(b, x, out) {
  const [z, n, s, t, p, e] = ["$sz", "$sn", "$ss", "$st", "$sp", "$se"].map((v) => b.t(v));
  b.t(out);
  const magic = b.f32("0x4b40007f");
  return [
    set(z, `(f32x4.abs ${get(x)})`),
    set(n, `(f32x4.add ${magic} (f32x4.mul ${get(z)} ${b.f32("0xbfb8aa3b")}))`),
    set(s, `(i32x4.shl ${get(n)} (i32.const 23))`),
    set(n, `(f32x4.sub ${get(n)} ${magic})`),
    set(t, `(f32x4.add ${get(z)} (f32x4.mul ${get(n)} ${b.f32("0x3f317200")}))`),
    set(t, `(f32x4.add ${get(t)} (f32x4.mul ${get(n)} ${b.f32("0x35bfbe8e")}))`),
    set(p, `(f32x4.add ${b.f32("0x3d2b9d0d")} (f32x4.mul ${get(t)} ${b.f32("0xbc07cfce")}))`),
    ...["0xbe2aad40", "0x3efffee3", "0xbf7ffffb"].map((c) => set(p, `(f32x4.add ${b.f32(c)} (f32x4.mul ${get(t)} ${get(p)}))`)),
    set(t, `(f32x4.mul ${get(t)} ${get(s)})`),
    set(e, `(f32x4.add ${get(s)} (f32x4.mul ${get(t)} ${get(p)}))`),
    set(out, `(f32x4.div ${get(e)} (f32x4.add ${get(e)} ${b.k(ONE)}))`),
    set(out, `(v128.andnot ${get(out)} (f32x4.gt ${get(z)} ${b.f32("0x42aeac4f")}))`),
    // f for a set sign bit, 1 - f otherwise
    set(out, `(v128.bitselect ${get(out)} (f32x4.sub ${b.k(ONE)} ${get(out)}) (i32x4.shr_s ${get(x)} (i32.const 31)))`),
  ];
}

/** XNNPACK's e^x for x ≤ 0 (f32-raddstoreexpminusmax wasmsimd_rr2_p5, parameters as
 * xnn_init_f32_expminus_wasmsimd_rr2_p5_params), 0 below the denormal cutoff */
function expMinus4(b, x, out) {
  const [n, s, t, p] = ["$xn", "$xs", "$xt", "$xp"].map((v) => b.t(v));
  b.t(out);
  const magic = b.f32("0x4b40007f");
  return [
    set(n, `(f32x4.add ${magic} (f32x4.mul ${get(x)} ${b.f32("0x3fb8aa3b")}))`),
    set(s, `(i32x4.shl ${get(n)} (i32.const 23))`),
    set(n, `(f32x4.sub ${get(n)} ${magic})`),
    set(t, `(f32x4.add ${get(x)} (f32x4.mul ${get(n)} ${b.f32("0xbf317200")}))`),
    set(t, `(f32x4.add ${get(t)} (f32x4.mul ${get(n)} ${b.f32("0xb5bfbe8e")}))`),
    set(p, `(f32x4.add ${b.f32("0x3d2b9d0d")} (f32x4.mul ${b.f32("0x3c07cfce")} ${get(t)}))`),
    ...["0x3e2aad40", "0x3efffee3", "0x3f7ffffb"].map((c) => set(p, `(f32x4.add ${b.f32(c)} (f32x4.mul ${get(p)} ${get(t)}))`)),
    set(t, `(f32x4.mul ${get(t)} ${get(s)})`),
    set(out, `(f32x4.add ${get(s)} (f32x4.mul ${get(t)} ${get(p)}))`),
    set(out, `(v128.andnot ${get(out)} (f32x4.lt ${get(x)} ${b.f32("0xc2aeac4f")}))`),
  ];
}

/** statements setting the f32 local $max to the row's maximum (Math.max's: NaN wins, +0 above -0) */
const rowMax = `(local.set $mv (v128.const f32x4 -inf -inf -inf -inf))
      (local.set $px (local.get $x))
      (local.set $left (local.get $depth))
      (block $maxed (loop $max4
        (br_if $maxed (i32.lt_s (local.get $left) (i32.const 4)))
        (local.set $mv (f32x4.max (local.get $mv) (v128.load (local.get $px))))
        (local.set $px (i32.add (local.get $px) (i32.const 16)))
        (local.set $left (i32.sub (local.get $left) (i32.const 4)))
        (br $max4)))
      (local.set $max (f32.max (f32.max (f32x4.extract_lane 0 (local.get $mv)) (f32x4.extract_lane 1 (local.get $mv)))
        (f32.max (f32x4.extract_lane 2 (local.get $mv)) (f32x4.extract_lane 3 (local.get $mv)))))
      (block $maxDone (loop $max1
        (br_if $maxDone (i32.eqz (local.get $left)))
        (local.set $max (f32.max (local.get $max) (f32.load (local.get $px))))
        (local.set $px (i32.add (local.get $px) (i32.const 4)))
        (local.set $left (i32.sub (local.get $left) (i32.const 1)))
        (br $max1)))
      (local.set $mv (f32x4.splat (local.get $max)))`;

/** a loop over the rows of a [rows, depth] operand, `body` run per row with $x and $y at its start */
const rowLoop = (body) => `(block $end (loop $row
      (br_if $end (i32.eqz (local.get $rows)))
      ${body}
      (local.set $x (i32.add (local.get $x) (i32.shl (local.get $depth) (i32.const 2))))
      (local.set $y (i32.add (local.get $y) (i32.shl (local.get $depth) (i32.const 2))))
      (local.set $rows (i32.sub (local.get $rows) (i32.const 1)))
      (br $row)))`;

/** XNNPACK's softmax (../kernels/xnnpack-softmax.ts): per row the maximum, e^(x - max) stored and summed (one
 * accumulator of four lanes, lanes 0 + 2 plus 1 + 3, then the last 1..3 one by one), each times 1 / sum */
function softmax() {
  const b = new Body();
  const quad = expMinus4(b, "$v", "$r");
  b.t("$v");
  b.t("$mv");
  b.t("$acc");
  return `
  (func (export "fsoftmax") (param $x i32) (param $y i32) (param $rows i32) (param $depth i32)
    ${b.locals("(local $px i32) (local $py i32) (local $left i32) (local $max f32) (local $sum f32) (local $scale f32)")}
    ${b.prologue()}
    ${rowLoop(`${rowMax}
      (local.set $acc (v128.const i32x4 0 0 0 0))
      (local.set $px (local.get $x))
      (local.set $py (local.get $y))
      (local.set $left (local.get $depth))
      (block $expd (loop $exp4
        (br_if $expd (i32.lt_s (local.get $left) (i32.const 4)))
        (local.set $v (f32x4.sub (v128.load (local.get $px)) (local.get $mv)))
        ${indent(quad, 8)}
        (v128.store (local.get $py) (local.get $r))
        (local.set $acc (f32x4.add (local.get $acc) (local.get $r)))
        (local.set $px (i32.add (local.get $px) (i32.const 16)))
        (local.set $py (i32.add (local.get $py) (i32.const 16)))
        (local.set $left (i32.sub (local.get $left) (i32.const 4)))
        (br $exp4)))
      (local.set $sum (f32.add (f32.add (f32x4.extract_lane 0 (local.get $acc)) (f32x4.extract_lane 2 (local.get $acc)))
        (f32.add (f32x4.extract_lane 1 (local.get $acc)) (f32x4.extract_lane 3 (local.get $acc)))))
      (block $expDone (loop $exp1
        (br_if $expDone (i32.eqz (local.get $left)))
        (local.set $v (f32x4.sub (v128.load32_splat (local.get $px)) (local.get $mv)))
        ${indent(quad, 8)}
        (f32.store (local.get $py) (f32x4.extract_lane 0 (local.get $r)))
        (local.set $sum (f32.add (local.get $sum) (f32x4.extract_lane 0 (local.get $r))))
        (local.set $px (i32.add (local.get $px) (i32.const 4)))
        (local.set $py (i32.add (local.get $py) (i32.const 4)))
        (local.set $left (i32.sub (local.get $left) (i32.const 1)))
        (br $exp1)))
      (local.set $scale (f32.div (f32.const 1) (local.get $sum)))
      (local.set $v (f32x4.splat (local.get $scale)))
      (local.set $py (local.get $y))
      (local.set $left (local.get $depth))
      (block $scaled (loop $scale4
        (br_if $scaled (i32.lt_s (local.get $left) (i32.const 4)))
        (v128.store (local.get $py) (f32x4.mul (v128.load (local.get $py)) (local.get $v)))
        (local.set $py (i32.add (local.get $py) (i32.const 16)))
        (local.set $left (i32.sub (local.get $left) (i32.const 4)))
        (br $scale4)))
      (block $scaleDone (loop $scale1
        (br_if $scaleDone (i32.eqz (local.get $left)))
        (f32.store (local.get $py) (f32.mul (f32.load (local.get $py)) (local.get $scale)))
        (local.set $py (i32.add (local.get $py) (i32.const 4)))
        (local.set $left (i32.sub (local.get $left) (i32.const 1)))
        (br $scale1)))`)})`;
}

/** TFLite's float LOG_SOFTMAX (../kernels/normalization.ts): per row the maximum, the sum of expf(x - max) in element
 * order, then (x - max) - logf(sum); y is written only in the last pass (it may be x) */
function logSoftmax() {
  const b = new Body();
  const quad = expf4(b, "$v", "$r", "$expTab");
  const log = logf4(b, "$v", "$r", "$logTab");
  b.t("$v");
  b.t("$mv");
  b.t("$lv");
  const lane = (i) => `(local.set $sum (f32.add (local.get $sum) (f32x4.extract_lane ${i} (local.get $r))))`;
  return `
  (func (export "flogsoftmax") (param $x i32) (param $y i32) (param $rows i32) (param $depth i32) (param $expTab i32) (param $logTab i32)
    ${b.locals("(local $px i32) (local $py i32) (local $left i32) (local $max f32) (local $sum f32) (local $logSum f32)")}
    ${b.prologue()}
    ${rowLoop(`${rowMax}
      (local.set $sum (f32.const 0))
      (local.set $px (local.get $x))
      (local.set $left (local.get $depth))
      (block $expd (loop $exp4
        (br_if $expd (i32.lt_s (local.get $left) (i32.const 4)))
        (local.set $v (f32x4.sub (v128.load (local.get $px)) (local.get $mv)))
        ${indent(quad, 8)}
        ${indent([0, 1, 2, 3].map(lane), 8)}
        (local.set $px (i32.add (local.get $px) (i32.const 16)))
        (local.set $left (i32.sub (local.get $left) (i32.const 4)))
        (br $exp4)))
      (block $expDone (loop $exp1
        (br_if $expDone (i32.eqz (local.get $left)))
        (local.set $v (f32x4.sub (v128.load32_splat (local.get $px)) (local.get $mv)))
        ${indent(quad, 8)}
        ${lane(0)}
        (local.set $px (i32.add (local.get $px) (i32.const 4)))
        (local.set $left (i32.sub (local.get $left) (i32.const 1)))
        (br $exp1)))
      (local.set $v (f32x4.splat (local.get $sum)))
      ${indent(log, 6)}
      (local.set $logSum (f32x4.extract_lane 0 (local.get $r)))
      (local.set $lv (f32x4.splat (local.get $logSum)))
      (local.set $px (local.get $x))
      (local.set $py (local.get $y))
      (local.set $left (local.get $depth))
      (block $outd (loop $out4
        (br_if $outd (i32.lt_s (local.get $left) (i32.const 4)))
        (v128.store (local.get $py) (f32x4.sub (f32x4.sub (v128.load (local.get $px)) (local.get $mv)) (local.get $lv)))
        (local.set $px (i32.add (local.get $px) (i32.const 16)))
        (local.set $py (i32.add (local.get $py) (i32.const 16)))
        (local.set $left (i32.sub (local.get $left) (i32.const 4)))
        (br $out4)))
      (block $outDone (loop $out1
        (br_if $outDone (i32.eqz (local.get $left)))
        (f32.store (local.get $py) (f32.sub (f32.sub (f32.load (local.get $px)) (local.get $max)) (local.get $logSum)))
        (local.set $px (i32.add (local.get $px) (i32.const 4)))
        (local.set $py (i32.add (local.get $py) (i32.const 4)))
        (local.set $left (i32.sub (local.get $left) (i32.const 1)))
        (br $out1)))`)})`;
}

const indent = (lines, n) => lines.join(`\n${" ".repeat(n)}`);

/** `lines` with each temporary renamed (a second copy of a function body, interleaved with the first) */
function renamed(b, lines, suffix) {
  const names = new Set(b.temps);
  for (const n of names) b.temps.add(n + suffix);
  return lines.map((line) => line.replace(/\$[A-Za-z0-9_]+/g, (n) => (names.has(n) ? n + suffix : n)));
}

/** an elementwise loop: n floats at x mapped to y, eight per round (two independent copies of the body, for the
 * processor to overlap), then four, the last n mod 4 from a full vector stored lane by lane */
function map(name, fn, table) {
  const b = new Body();
  const body = fn(b, "$v", "$r");
  b.t("$v");
  const twin = renamed(b, body, "_2");
  return `
  (func (export "${name}") (param $x i32) (param $y i32) (param $n i32)${table ? " (param $tab i32)" : ""}
    ${b.locals()}
    ${b.prologue()}
    (block $done8 (loop $eight
      (br_if $done8 (i32.lt_s (local.get $n) (i32.const 8)))
      (local.set $v (v128.load (local.get $x)))
      (local.set $v_2 (v128.load offset=16 (local.get $x)))
      ${indent(body, 6)}
      ${indent(twin, 6)}
      (v128.store (local.get $y) (local.get $r))
      (v128.store offset=16 (local.get $y) (local.get $r_2))
      (local.set $x (i32.add (local.get $x) (i32.const 32)))
      (local.set $y (i32.add (local.get $y) (i32.const 32)))
      (local.set $n (i32.sub (local.get $n) (i32.const 8)))
      (br $eight)))
    (if (i32.ge_s (local.get $n) (i32.const 4))
      (then
        (local.set $v (v128.load (local.get $x)))
        ${indent(body, 8)}
        (v128.store (local.get $y) (local.get $r))
        (local.set $x (i32.add (local.get $x) (i32.const 16)))
        (local.set $y (i32.add (local.get $y) (i32.const 16)))
        (local.set $n (i32.sub (local.get $n) (i32.const 4)))))
    (if (i32.gt_s (local.get $n) (i32.const 0))
      (then
        (local.set $v (v128.load (local.get $x)))
        ${indent(body, 8)}
        (call $lanes (local.get $y) (local.get $r) (local.get $n)))))`;
}

process.stdout.write(`;; The float32 transcendental functions with WebAssembly SIMD, four elements per step, bit for bit the JavaScript
;; functions they mirror (each step the same IEEE operation in the same order; no FMA, as in TFLite's WebAssembly
;; build): a module of its own beside int8.wat, importing the same memory (see WasmHeap in ../wasm-kernels.ts).
;; Assembled by scripts/build.js (wabt) into dist/lib/tflite/wasm/float-transcendental.wasm. Written by
;; scripts/float-transcendental-wat.cjs (edit that, not this), which inlines each function into its loops.
;;
;; - fexp: musl's expf (../kernels/expf.ts) in f64x2 lanes; its 32-entry table of 2^(j/32) (musl's __exp2f_data bit
;;   patterns, j << 47 taken off) is at $tab, which the kernels place in the heap once.
;; - flog: musl's logf (../kernels/logf.ts), the integer steps in i32x4, the double ones in f64x2; its table (1/c,
;;   log c per sixteenth) at $tab.
;; - ftanh, flogistic: Eigen's tanh and logistic (../kernels/eigen-activations.ts), in f32x4 (logistic through expf).
;; - fgelu, fgelutanh: TFLite's float GELU through Eigen's erf or tanh (../kernels/eigen-activations.ts).
;; - fsigmoid: XNNPACK's sigmoid (../kernels/xnnpack-sigmoid.ts), in f32x4.
;; - fsoftmax: XNNPACK's softmax (../kernels/xnnpack-softmax.ts); flogsoftmax: TFLite's LOG_SOFTMAX through expf and
;;   logf (../kernels/normalization.ts); both over rows × depth, row by row.
;; Clamps are pseudo-min/max (f32x4.pmin a b = b < a ? b : a), exactly the JavaScript selects, NaN included.
;;
;; The loops map n floats at x to y (y may be x), eight per round; the last n mod 4 are computed from a full vector
;; (its lanes past the data read but unused: the heap keeps slack for that) and stored lane by lane.
(module
  (import "env" "memory" (memory 1))
${lanes}
${map("fexp", expf4, true)}
${map("flog", logf4, true)}
${map("ftanh", tanh4, false)}
${map("fsigmoid", sigmoid4, false)}
${map("flogistic", logistic4, true)}
${map("fgelu", gelu4, false)}
${map("fgelutanh", geluTanh4, false)}
${softmax()}
${logSoftmax()}
)
`);
