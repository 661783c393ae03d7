// WebAssembly text shared by the kernel generators (scripts/*-wat.cjs): helper functions several modules need.
"use strict";

/** $lanes: stores the first n (1..3) float32 / int32 lanes of r at p (a vector loop's tail). */
const lanes = `
  ;; the first n (1..3) lanes of r at p
  (func $lanes (param $p i32) (param $r v128) (param $n i32)
    (v128.store32_lane 0 (local.get $p) (local.get $r))
    (if (i32.gt_s (local.get $n) (i32.const 1)) (then (v128.store32_lane offset=4 1 (local.get $p) (local.get $r))))
    (if (i32.gt_s (local.get $n) (i32.const 2)) (then (v128.store32_lane offset=8 2 (local.get $p) (local.get $r)))))`;

const splatInto = (from, offset) =>
  [0, 16, 32, 48].map((o) => `        (v128.store${offset + o ? ` offset=${offset + o}` : ""} (local.get $scratch) (local.get $s))`).join("\n");

/**
 * Globals $pa, $pb and $operands: where a row of a two-input broadcast reads its 32-bit vectors from, the operand
 * itself (step non-zero) or its value splat over 64 bytes of the scratch area (128 bytes: a's, then b's).
 */
const operands = `
  (global $pa (mut i32) (i32.const 0))
  (global $pb (mut i32) (i32.const 0))

  ;; where a row's vectors are read from: the operand itself, or its value splat into the scratch area
  (func $operands (param $a i32) (param $b i32) (param $aStep i32) (param $bStep i32) (param $scratch i32)
    (local $s v128)
    (if (local.get $aStep)
      (then (global.set $pa (local.get $a)))
      (else
        (local.set $s (v128.load32_splat (local.get $a)))
${splatInto("a", 0)}
        (global.set $pa (local.get $scratch))))
    (if (local.get $bStep)
      (then (global.set $pb (local.get $b)))
      (else
        (local.set $s (v128.load32_splat (local.get $b)))
${splatInto("b", 64)}
        (global.set $pb (i32.add (local.get $scratch) (i32.const 64))))))`;

module.exports = { lanes, operands };
