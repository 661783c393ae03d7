;; An 8-bit elementwise map as arithmetic in WebAssembly SIMD, where that reproduces its 256-entry table exactly
;; (../kernels/byte-affine.ts finds the parameters; LEAKY_RELU, 8-bit QUANTIZE, the clamps): for each byte u (xor
;; $flip: int8 in unsigned order), d = u - pivot,
;;   y = clamp(sat16(((d 2^k) a + 2^14) >> 15 + z) >> j, lo, hi) xor $outFlip,
;; (a, z) = ($a1, $z1) for d >= 0, else ($a2, $z2): the product in 2^j times finer steps than the output's, so that
;; z can hold the offset of TFLite's double rounding (0.75 for a final shift by one, say). About twice as fast here
;; as the sixteen swizzles of lut8.
;; A module of its own beside int8.wat, importing the same memory (see WasmHeap in ../wasm-kernels.ts).
(module
  (import "env" "memory" (memory 1))

  ;; XNNPACK's shape of arithmetic in 16-bit lanes (its LEAKY_RELU kernel's, which is j = 0); 0 <= k <= 7 keeps
  ;; d 2^k within int16, a is not -2^15 (q15mulr's one saturating case), j <= 6 keeps a saturated sum clamped.
  (func (export "q15map8") (param $x i32) (param $y i32) (param $n i32) (param $flip i32) (param $pivot i32)
    (param $a1 i32) (param $a2 i32) (param $z1 i32) (param $z2 i32) (param $k i32) (param $j i32) (param $lo i32) (param $hi i32) (param $outFlip i32)
    (local $end i32) (local $dl v128) (local $dh v128) (local $ml v128) (local $mh v128)
    (local $flipv v128) (local $pivotv v128) (local $a1v v128) (local $adv v128) (local $z1v v128) (local $zdv v128)
    (local $lov v128) (local $hiv v128) (local $outv v128)
    (local $d i32) (local $q i32)
    ;; per lane a = ((d < 0) & (a1 ^ a2)) ^ a1, z likewise: two operations instead of a bitselect
    (local.set $flipv (i16x8.splat (local.get $flip)))
    (local.set $outv (i8x16.splat (local.get $outFlip)))
    (local.set $pivotv (i16x8.splat (local.get $pivot)))
    (local.set $a1v (i16x8.splat (local.get $a1)))
    (local.set $adv (i16x8.splat (i32.xor (local.get $a1) (local.get $a2))))
    (local.set $z1v (i16x8.splat (local.get $z1)))
    (local.set $zdv (i16x8.splat (i32.xor (local.get $z1) (local.get $z2))))
    (local.set $lov (i8x16.splat (local.get $lo)))
    (local.set $hiv (i8x16.splat (local.get $hi)))
    (local.set $end (i32.add (local.get $x) (i32.and (local.get $n) (i32.const -16))))
    ;; tested at the bottom: V8 compiles that loop shape about twice as fast as one tested at the top
    (if (i32.lt_u (local.get $x) (local.get $end)) (then
      (loop $vec
        (local.set $dl (i16x8.sub (v128.xor (v128.load8x8_u (local.get $x)) (local.get $flipv)) (local.get $pivotv)))
        (local.set $dh (i16x8.sub (v128.xor (v128.load8x8_u offset=8 (local.get $x)) (local.get $flipv)) (local.get $pivotv)))
        (local.set $ml (i16x8.shr_s (local.get $dl) (i32.const 15)))
        (local.set $mh (i16x8.shr_s (local.get $dh) (i32.const 15)))
        (v128.store (local.get $y)
          (v128.xor (local.get $outv)
            (i8x16.min_u (local.get $hiv) (i8x16.max_u (local.get $lov)
              (i8x16.narrow_i16x8_u
                (i16x8.shr_s (i16x8.add_sat_s (v128.xor (v128.and (local.get $ml) (local.get $zdv)) (local.get $z1v))
                  (i16x8.q15mulr_sat_s (i16x8.shl (local.get $dl) (local.get $k)) (v128.xor (v128.and (local.get $ml) (local.get $adv)) (local.get $a1v)))) (local.get $j))
                (i16x8.shr_s (i16x8.add_sat_s (v128.xor (v128.and (local.get $mh) (local.get $zdv)) (local.get $z1v))
                  (i16x8.q15mulr_sat_s (i16x8.shl (local.get $dh) (local.get $k)) (v128.xor (v128.and (local.get $mh) (local.get $adv)) (local.get $a1v)))) (local.get $j)))))))
        (local.set $x (i32.add (local.get $x) (i32.const 16)))
        (local.set $y (i32.add (local.get $y) (i32.const 16)))
        (br_if $vec (i32.lt_u (local.get $x) (local.get $end))))))
    (local.set $end (i32.add (local.get $end) (i32.and (local.get $n) (i32.const 15))))
    (block $done
      (loop $tail
        (br_if $done (i32.ge_u (local.get $x) (local.get $end)))
        (local.set $d (i32.sub (i32.xor (i32.load8_u (local.get $x)) (local.get $flip)) (local.get $pivot)))
        (local.set $q (i32.add
          (select (local.get $z1) (local.get $z2) (i32.ge_s (local.get $d) (i32.const 0)))
          (i32.shr_s (i32.add (i32.mul (i32.shl (local.get $d) (local.get $k)) (select (local.get $a1) (local.get $a2) (i32.ge_s (local.get $d) (i32.const 0)))) (i32.const 16384)) (i32.const 15))))
        ;; saturated to int16 as the vector add does, then the fine steps shifted out
        (if (i32.gt_s (local.get $q) (i32.const 32767)) (then (local.set $q (i32.const 32767))))
        (if (i32.lt_s (local.get $q) (i32.const -32768)) (then (local.set $q (i32.const -32768))))
        (local.set $q (i32.shr_s (local.get $q) (local.get $j)))
        (if (i32.lt_s (local.get $q) (local.get $lo)) (then (local.set $q (local.get $lo))))
        (if (i32.gt_s (local.get $q) (local.get $hi)) (then (local.set $q (local.get $hi))))
        (i32.store8 (local.get $y) (i32.xor (local.get $q) (local.get $outFlip)))
        (local.set $x (i32.add (local.get $x) (i32.const 1)))
        (local.set $y (i32.add (local.get $y) (i32.const 1)))
        (br $tail)))
  )
)
